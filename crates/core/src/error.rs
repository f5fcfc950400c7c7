//! One error type for the whole engine. Messages name the op and the shapes involved, because
//! they end up as JavaScript `Error`s in front of someone who never saw the Rust code.
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub op: String,
    pub message: String,
}

impl Error {
    pub fn new(op: impl Into<String>, message: impl Into<String>) -> Self {
        Error { op: op.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.op.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.op, self.message)
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// `bail!("matmul", "inner dims {} and {} differ", a, b)` returns an `Err` naming the op.
#[macro_export]
macro_rules! bail {
    ($op:expr, $($fmt:tt)*) => {
        return Err($crate::Error::new($op, format!($($fmt)*)))
    };
}
