//! The conformance suite: every function takes a `&Device`, so the same checks run on every backend.
pub mod goldens;
pub mod gradcheck;
pub mod quality;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Drive a future that must already be complete when first polled: the suite's readbacks on
/// devices that read synchronously (CPU anywhere, WebGPU natively). On a browser GPU use the
/// `*_async` runners instead.
pub fn block_on_ready<T>(f: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => Err("a readback did not complete synchronously; use the async runner on this device".into()),
    }
}
