//! The bundled assets (`crates/data/assets/`): the MNIST test set (10,000 images; only it can be
//! shipped) and tiny-shakespeare. In the browser, fetch the files and pass their bytes to
//! [`crate::mnist::load`] / [`crate::text`]; natively, [`read`] loads them from disk. With the
//! `embed-assets` feature they are also compiled in ([`embedded`]).

pub const MNIST_IMAGES: &str = "mnist-t10k-images-idx3-ubyte.gz";
pub const MNIST_LABELS: &str = "mnist-t10k-labels-idx1-ubyte.gz";
pub const TINY_SHAKESPEARE: &str = "tinyshakespeare.txt";

/// Path of the assets folder in the source tree.
#[cfg(not(target_arch = "wasm32"))]
pub fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

/// Read a bundled asset from disk (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn read(name: &str) -> crate::Result<Vec<u8>> {
    let path = dir().join(name);
    std::fs::read(&path).map_err(|e| crate::DataError(format!("cannot read asset {}: {e}", path.display())))
}

/// The MNIST test set from the bundled files (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn mnist() -> crate::Result<crate::Dataset> {
    crate::mnist::load(&read(MNIST_IMAGES)?, &read(MNIST_LABELS)?)
}

/// The tiny-shakespeare text (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn tiny_shakespeare() -> crate::Result<String> {
    String::from_utf8(read(TINY_SHAKESPEARE)?).map_err(|e| crate::DataError(format!("tiny-shakespeare is not UTF-8: {e}")))
}

/// The assets compiled into the binary (feature `embed-assets`; adds ~2.7 MB).
#[cfg(feature = "embed-assets")]
pub mod embedded {
    pub const MNIST_IMAGES_GZ: &[u8] = include_bytes!("../assets/mnist-t10k-images-idx3-ubyte.gz");
    pub const MNIST_LABELS_GZ: &[u8] = include_bytes!("../assets/mnist-t10k-labels-idx1-ubyte.gz");
    pub const TINY_SHAKESPEARE: &str = include_str!("../assets/tinyshakespeare.txt");
}
