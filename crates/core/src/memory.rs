//! Fallible allocation for tensor-sized buffers. An allocation that fails aborts a Rust program
//! (on wasm: a trap that leaves the engine's memory and bindings in a broken state), so every
//! buffer whose size comes from a user's shapes is reserved first, and a failure becomes an
//! ordinary "out of memory" error naming the op and the size.
use crate::{Error, Result};

/// An empty vector with room for `n` values, or an "out of memory" error naming `op`.
pub fn try_vec<T>(op: &str, n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    match v.try_reserve_exact(n) {
        Ok(()) => Ok(v),
        Err(_) => Err(out_of_memory(op, n.saturating_mul(std::mem::size_of::<T>()))),
    }
}

/// `n` copies of `value` (a zeroed output buffer), reserved fallibly.
pub fn try_filled<T: Clone>(op: &str, n: usize, value: T) -> Result<Vec<T>> {
    let mut v = try_vec(op, n)?;
    v.resize(n, value);
    Ok(v)
}

/// A copy of `data`, reserved fallibly.
pub fn try_copy<T: Copy>(op: &str, data: &[T]) -> Result<Vec<T>> {
    let mut v = try_vec(op, data.len())?;
    v.extend_from_slice(data);
    Ok(v)
}

/// The error for a buffer of `bytes` that could not be allocated.
pub fn out_of_memory(op: &str, bytes: usize) -> Error {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    Error::new(
        op,
        format!(
            "out of memory: a buffer of {mib:.1} MiB could not be allocated; dispose() tensors and models \
             you no longer need, or use smaller sizes (a wasm engine can address at most 4 GiB)"
        ),
    )
}
