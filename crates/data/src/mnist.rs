//! MNIST-style IDX files: images (magic 2051, u8 × n × rows × cols) and labels (magic 2049,
//! u8 × n), each optionally gzip-compressed (decompressed with flate2's pure-Rust backend, which
//! also works in wasm).
use crate::{data_bail, Dataset, Labels, Result};
use std::io::Read;

/// The most bytes a decompressed file may have: an IDX file larger than this could not become
/// one tensor anyway, and a small "gzip bomb" must not fill the memory.
pub const MAX_DECOMPRESSED: usize = webgrad_core::MAX_ELEMENTS + 64;

/// Decompress gzip data; data without the gzip magic is returned as it is.
pub fn maybe_gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() < 2 || bytes[..2] != [0x1f, 0x8b] {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    let limit = MAX_DECOMPRESSED as u64 + 1;
    match flate2::read::GzDecoder::new(bytes).take(limit).read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_DECOMPRESSED => {
            data_bail!("gzip: the file decompresses to more than {} MiB (the most one data set may hold)", MAX_DECOMPRESSED >> 20)
        }
        Ok(_) => Ok(out),
        Err(e) => data_bail!("gzip: corrupt or truncated data ({e})"),
    }
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Parse an IDX file of unsigned bytes with the given magic number; returns (dims, values).
fn parse_idx_u8(bytes: &[u8], magic: u32, what: &str) -> Result<(Vec<usize>, Vec<u8>)> {
    let rank = (magic & 0xff) as usize;
    let header = 4 + 4 * rank;
    if bytes.len() >= 4 && be_u32(bytes, 0) != magic {
        let found = be_u32(bytes, 0);
        data_bail!("IDX {what}: magic number {found} is not {magic} (is this the right file?)");
    }
    if bytes.len() < header {
        data_bail!("IDX {what}: file of {} bytes is too short for its header ({header} bytes)", bytes.len());
    }
    let dims: Vec<usize> = (0..rank).map(|i| be_u32(bytes, 4 + 4 * i) as usize).collect();
    // Dims come from the file: their product may not fit a usize (wasm32) or the engine.
    let Ok(n) = webgrad_core::checked_numel("IDX", &dims) else {
        data_bail!("IDX {what}: dims {dims:?} describe more than {} values (the most one data set may hold)", webgrad_core::MAX_ELEMENTS);
    };
    if bytes.len() != header + n {
        data_bail!("IDX {what}: dims {dims:?} need {} bytes of data, the file has {}", n, bytes.len() - header);
    }
    Ok((dims, bytes[header..].to_vec()))
}

/// An IDX file of unsigned bytes: `magic` (2051 images, 2049 labels), its dims, then the data.
pub fn to_idx(magic: u32, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut v = magic.to_be_bytes().to_vec();
    dims.iter().for_each(|d| v.extend(d.to_be_bytes()));
    v.extend(data);
    v
}

/// Images as u8 pixels, row-major `[n, rows, cols]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    pub n: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

pub fn parse_images(bytes: &[u8]) -> Result<Images> {
    let raw = maybe_gunzip(bytes)?;
    let (dims, pixels) = parse_idx_u8(&raw, 2051, "images")?;
    Ok(Images { n: dims[0], rows: dims[1], cols: dims[2], pixels })
}

pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    let raw = maybe_gunzip(bytes)?;
    Ok(parse_idx_u8(&raw, 2049, "labels")?.1)
}

/// An MNIST data set: features `[n, 1, 28, 28]` scaled to [0, 1] (NCHW, ready for a CNN; flatten
/// for an MLP), labels are classes 0–9.
pub fn load(images: &[u8], labels: &[u8]) -> Result<Dataset> {
    let img = parse_images(images)?;
    let lab = parse_labels(labels)?;
    if img.n != lab.len() {
        data_bail!("MNIST: {} images but {} labels", img.n, lab.len());
    }
    if let Some(bad) = lab.iter().find(|&&l| l > 9) {
        data_bail!("MNIST: label {bad} is not a digit 0–9");
    }
    Ok(Dataset {
        features: img.pixels.iter().map(|&p| p as f32 / 255.0).collect(),
        feature_shape: vec![1, img.rows, img.cols],
        labels: Labels::Classes { labels: lab.iter().map(|&l| l as i32).collect(), num_classes: 10 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use to_idx as idx;

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn parses_raw_and_gzipped_idx() {
        let images = idx(2051, &[2, 2, 3], &[0, 255, 51, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let labels = idx(2049, &[2], &[7, 1]);
        let d = load(&images, &gzip(&labels)).unwrap();
        assert_eq!(d.feature_shape, [1, 2, 3]);
        assert_eq!(d.features[1], 1.0);
        assert_eq!(d.features[2], 0.2);
        assert_eq!(d.labels, Labels::Classes { labels: vec![7, 1], num_classes: 10 });
        assert_eq!(load(&gzip(&images), &labels).unwrap(), d);
    }

    #[test]
    fn bad_files_give_clear_errors() {
        let images = idx(2051, &[2, 2, 3], &[0; 12]);
        let labels = idx(2049, &[2], &[7, 1]);
        let err = |r: Result<Dataset>| r.unwrap_err().0;
        assert!(err(load(&labels, &labels)).contains("magic number 2049 is not 2051"));
        assert!(err(load(&images[..20], &labels)).contains("need 12 bytes"));
        assert!(err(load(&images[..5], &labels)).contains("too short"));
        assert!(err(load(&images, &idx(2049, &[3], &[1, 2, 3]))).contains("2 images but 3 labels"));
        assert!(err(load(&images, &idx(2049, &[2], &[1, 12]))).contains("label 12"));
        let gz = gzip(&images);
        assert!(err(load(&gz[..gz.len() / 2], &labels)).contains("gzip"));
        // Dims whose product wraps a 32-bit size, and a small file that decompresses to 300 MiB.
        let huge = idx(2051, &[65536, 65536, 2], &[]);
        assert!(err(load(&huge, &labels)).contains("describe more than 268435456 values"), "{}", err(load(&huge, &labels)));
        let bomb = gzip(&vec![0u8; MAX_DECOMPRESSED + 1]);
        assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
        assert!(err(load(&bomb, &labels)).contains("decompresses to more than 256 MiB"));
    }
}
