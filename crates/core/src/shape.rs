//! Shapes and layouts. A `Layout` is a view over a flat buffer: shape, element strides and an
//! offset. Reshape (when contiguous), permute, broadcast and narrow only build a new Layout.
use crate::{bail, Result};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layout {
    pub shape: Vec<usize>,
    pub strides: Vec<usize>,
    pub offset: usize,
}

/// Elements of `shape`; saturates instead of wrapping (a shape that large is refused by
/// `checked_numel` wherever a tensor is made).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().fold(1usize, |n, &d| n.saturating_mul(d))
}

/// The most elements one tensor may hold (2^28: 1 GiB of f32). Larger requests are errors
/// rather than allocations that would abort the engine (or, on wasm32, sizes that wrap).
pub const MAX_ELEMENTS: usize = 1 << 28;

/// Elements of a tensor of `shape` that `op` is about to make, or an error naming both when
/// it exceeds `MAX_ELEMENTS`.
pub fn checked_numel(op: &str, shape: &[usize]) -> Result<usize> {
    let n = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    match n {
        Some(n) if n <= MAX_ELEMENTS => Ok(n),
        _ => bail!(op, "the result of shape {:?} would have more than {} elements (the engine's limit per tensor)", shape, MAX_ELEMENTS),
    }
}

pub fn contiguous_strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![0; shape.len()];
    let mut acc = 1;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc *= shape[i].max(1);
    }
    strides
}

impl Layout {
    pub fn contiguous(shape: &[usize]) -> Self {
        Layout { shape: shape.to_vec(), strides: contiguous_strides(shape), offset: 0 }
    }

    pub fn numel(&self) -> usize {
        numel(&self.shape)
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// True when the view reads `numel` consecutive elements starting at `offset`
    /// (size-1 dimensions may carry any stride).
    pub fn is_contiguous(&self) -> bool {
        if self.numel() == 0 {
            return true;
        }
        let mut expected = 1;
        for i in (0..self.shape.len()).rev() {
            if self.shape[i] != 1 && self.strides[i] != expected {
                return false;
            }
            expected *= self.shape[i];
        }
        true
    }

    /// Flat buffer index of every element in row-major order of the view.
    /// The reference path for strided kernels; hot kernels special-case contiguous layouts.
    pub fn for_each_index(&self, mut f: impl FnMut(usize)) {
        let n = self.numel();
        if n == 0 {
            return;
        }
        if self.is_contiguous() {
            for i in 0..n {
                f(self.offset + i);
            }
            return;
        }
        let rank = self.rank();
        let mut idx = vec![0usize; rank];
        let mut pos = self.offset;
        for _ in 0..n {
            f(pos);
            for d in (0..rank).rev() {
                idx[d] += 1;
                pos += self.strides[d];
                if idx[d] < self.shape[d] {
                    break;
                }
                pos -= self.strides[d] * self.shape[d];
                idx[d] = 0;
            }
        }
    }

    pub fn indices(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.numel());
        self.for_each_index(|i| out.push(i));
        out
    }

    pub fn permute(&self, perm: &[usize]) -> Layout {
        Layout {
            shape: perm.iter().map(|&p| self.shape[p]).collect(),
            strides: perm.iter().map(|&p| self.strides[p]).collect(),
            offset: self.offset,
        }
    }

    /// View with `shape`, which must be reachable by NumPy broadcasting (new dims on the left,
    /// size-1 dims stretched with stride 0).
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Layout> {
        if shape.len() < self.rank() {
            bail!("broadcast_to", "cannot broadcast {:?} to {:?}: target has fewer dimensions", self.shape, shape);
        }
        let lead = shape.len() - self.rank();
        let mut strides = vec![0; shape.len()];
        for (i, &s) in shape.iter().enumerate() {
            if i < lead {
                continue;
            }
            let own = self.shape[i - lead];
            if own == s {
                strides[i] = self.strides[i - lead];
            } else if own == 1 {
                strides[i] = 0;
            } else {
                bail!("broadcast_to", "cannot broadcast {:?} to {:?}: dimension {} is {} not 1 or {}", self.shape, shape, i - lead, own, s);
            }
        }
        Ok(Layout { shape: shape.to_vec(), strides, offset: self.offset })
    }

    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Layout {
        let mut l = self.clone();
        l.offset += start * self.strides[axis];
        l.shape[axis] = len;
        l
    }

    /// Reshape without copying: always possible for a contiguous view, and for any view when
    /// the reshape only inserts or removes size-1 dimensions (e.g. [M,K] → [1,M,K] of a
    /// transposed matrix). `None` when a copy is needed.
    pub fn reshape_view(&self, shape: &[usize]) -> Option<Layout> {
        if self.is_contiguous() {
            return Some(Layout { shape: shape.to_vec(), strides: contiguous_strides(shape), offset: self.offset });
        }
        let kept: Vec<(usize, usize)> =
            self.shape.iter().zip(&self.strides).filter(|(&d, _)| d != 1).map(|(&d, &s)| (d, s)).collect();
        let new_dims: Vec<usize> = shape.iter().copied().filter(|&d| d != 1).collect();
        if new_dims.len() != kept.len() || new_dims.iter().zip(&kept).any(|(a, (b, _))| a != b) {
            return None;
        }
        let mut old = kept.iter();
        let strides = shape.iter().map(|&d| if d == 1 { 0 } else { old.next().expect("same non-1 dims").1 }).collect();
        Some(Layout { shape: shape.to_vec(), strides, offset: self.offset })
    }
}

/// NumPy broadcasting of two shapes.
pub fn broadcast_shapes(op: &str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let rank = a.len().max(b.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let da = if i + a.len() >= rank { a[i + a.len() - rank] } else { 1 };
        let db = if i + b.len() >= rank { b[i + b.len() - rank] } else { 1 };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            bail!(op, "shapes {:?} and {:?} cannot be broadcast (dimension {} is {} vs {})", a, b, i, da, db);
        };
    }
    checked_numel(op, &out)?;
    Ok(out)
}

/// Normalise a possibly negative axis against `rank`.
pub fn norm_axis(op: &str, axis: isize, rank: usize) -> Result<usize> {
    let r = rank as isize;
    let a = if axis < 0 { axis + r } else { axis };
    if a < 0 || a >= r {
        bail!(op, "axis {} is out of range for a tensor of rank {}", axis, rank);
    }
    Ok(a as usize)
}

/// Normalise a list of axes (None = all), sorted and deduplicated.
pub fn norm_axes(op: &str, axes: Option<&[isize]>, rank: usize) -> Result<Vec<usize>> {
    let mut out = match axes {
        None => (0..rank).collect::<Vec<_>>(),
        Some(list) => list.iter().map(|&a| norm_axis(op, a, rank)).collect::<Result<Vec<_>>>()?,
    };
    out.sort_unstable();
    let before = out.len();
    out.dedup();
    if out.len() != before {
        bail!(op, "axes {:?} repeat an axis", axes.unwrap_or(&[]));
    }
    Ok(out)
}
