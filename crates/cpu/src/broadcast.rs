//! Binary ops and reductions straight from broadcast views, without materialising them. A
//! stride-0 operand reaches the backend for `x + bias` (a repeated row), `x - max(x, keepdim)`
//! (each value repeated along a row), `x * lr` (a scalar) and outer combinations of these.
use crate::kernels;
use webgrad_core::{BinaryOp, Layout, ReduceOp};

/// How a view reads its buffer, in row-major order of its shape.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// `data[offset..offset+numel]`.
    Contiguous,
    /// The block `data[offset..offset+len]`, repeated.
    Rows { len: usize },
    /// Each of `data[offset..]`, repeated `run` times in turn.
    Runs { run: usize },
}

/// Runs shorter than this go through the materialising path (per-run overhead would dominate).
const MIN_RUN: usize = 4;

/// Length of the longest suffix of dims that `pred(size, stride, expected)` accepts, as the index
/// where it starts, with `expected` the contiguous stride at that dim.
fn suffix_start(l: &Layout, pred: impl Fn(usize, usize, usize) -> bool) -> usize {
    let mut expected = 1;
    for i in (0..l.rank()).rev() {
        if l.shape[i] != 1 && !pred(l.shape[i], l.strides[i], expected) {
            return i + 1;
        }
        expected *= l.shape[i];
    }
    0
}

fn access(l: &Layout) -> Option<Access> {
    if l.is_contiguous() {
        return Some(Access::Contiguous);
    }
    let broadcast = |range: std::ops::Range<usize>| range.clone().all(|i| l.shape[i] == 1 || l.strides[i] == 0);
    let product = |range: std::ops::Range<usize>| l.shape[range].iter().product::<usize>();
    // Rows: contiguous suffix after a broadcast prefix.
    let k = suffix_start(l, |_, stride, expected| stride == expected);
    let rows = (broadcast(0..k)).then(|| product(k..l.rank()));
    // Runs: broadcast suffix after a prefix that is contiguous on its own.
    let k = suffix_start(l, |_, stride, _| stride == 0);
    let prefix = Layout { shape: l.shape[..k].to_vec(), strides: l.strides[..k].to_vec(), offset: l.offset };
    let runs = prefix.is_contiguous().then(|| product(k..l.rank()));
    match (rows, runs) {
        (Some(len), Some(run)) if run > len => Some(Access::Runs { run }),
        (Some(len), _) if len >= MIN_RUN => Some(Access::Rows { len }),
        (_, Some(run)) if run >= MIN_RUN => Some(Access::Runs { run }),
        _ => None,
    }
}

/// `out = op(a, b)` for two views of the same shape over `da` and `db`, if their layouts are a
/// pattern handled here; false (out untouched) otherwise.
pub fn binary(op: BinaryOp, da: &[f32], la: &Layout, db: &[f32], lb: &Layout, out: &mut [f32]) -> bool {
    use Access::*;
    let n = out.len();
    if n == 0 {
        return false;
    }
    let (Some(pa), Some(pb)) = (access(la), access(lb)) else { return false };
    let (a, b) = (&da[la.offset..], &db[lb.offset..]);
    match (pa, pb) {
        (Contiguous, Contiguous) => kernels::binary(op, &a[..n], &b[..n], out),
        (Contiguous, Rows { len }) => {
            for (o, x) in out.chunks_exact_mut(len).zip(a.chunks_exact(len)) {
                kernels::binary(op, x, &b[..len], o);
            }
        }
        (Rows { len }, Contiguous) => {
            for (o, y) in out.chunks_exact_mut(len).zip(b.chunks_exact(len)) {
                kernels::binary(op, &a[..len], y, o);
            }
        }
        (Contiguous, Runs { run }) => {
            for ((o, x), &y) in out.chunks_exact_mut(run).zip(a.chunks_exact(run)).zip(b) {
                kernels::binary_scalar_rhs(op, x, y, o);
            }
        }
        (Runs { run }, Contiguous) => {
            for ((o, y), &x) in out.chunks_exact_mut(run).zip(b.chunks_exact(run)).zip(a) {
                kernels::binary_scalar_lhs(op, x, y, o);
            }
        }
        // Outer combinations: [r,1] with [1,c] and the like.
        (Runs { run }, Rows { len }) if run == len => {
            for (o, &x) in out.chunks_exact_mut(run).zip(a) {
                kernels::binary_scalar_lhs(op, x, &b[..len], o);
            }
        }
        (Rows { len }, Runs { run }) if run == len => {
            for (o, &y) in out.chunks_exact_mut(run).zip(b) {
                kernels::binary_scalar_rhs(op, &a[..len], y, o);
            }
        }
        _ => return false,
    }
    true
}

/// Reduce the leading `rows` rows of a contiguous `[rows, cols]` block into `out[cols]` (a
/// reduction over leading axes, e.g. the bias gradient), adding rows in order like the reference.
pub fn reduce_leading(op: ReduceOp, x: &[f32], rows: usize, out: &mut [f32]) {
    let cols = out.len();
    if rows == 0 {
        return out.fill(0.0);
    }
    out.copy_from_slice(&x[..cols]);
    for row in x[..rows * cols].chunks_exact(cols).skip(1) {
        match op {
            ReduceOp::Sum => out.iter_mut().zip(row).for_each(|(m, &v)| *m += v),
            ReduceOp::Max => out.iter_mut().zip(row).for_each(|(m, &v)| {
                if v > *m || v.is_nan() {
                    *m = v
                }
            }),
            ReduceOp::Min => out.iter_mut().zip(row).for_each(|(m, &v)| {
                if v < *m || v.is_nan() {
                    *m = v
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bcast(shape: &[usize], to: &[usize]) -> Layout {
        Layout::contiguous(shape).broadcast_to(to).unwrap()
    }

    #[test]
    fn recognises_broadcast_patterns() {
        assert_eq!(access(&Layout::contiguous(&[3, 8])), Some(Access::Contiguous));
        assert_eq!(access(&bcast(&[8], &[3, 8])), Some(Access::Rows { len: 8 }));
        assert_eq!(access(&bcast(&[3, 1], &[3, 8])), Some(Access::Runs { run: 8 }));
        assert_eq!(access(&bcast(&[1], &[3, 8])), Some(Access::Runs { run: 24 }));
        assert_eq!(access(&bcast(&[4, 1, 5], &[2, 4, 6, 5])), None);
        assert_eq!(access(&bcast(&[6, 5], &[2, 4, 6, 5])), Some(Access::Rows { len: 30 }));
        assert_eq!(access(&bcast(&[2], &[3, 2])), None); // rows of 2: too short to pay off
        assert_eq!(access(&Layout::contiguous(&[3, 8]).permute(&[1, 0])), None);
    }
}
