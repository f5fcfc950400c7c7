//! webgrad-cpu: the CPU backend. Every kernel first brings strided inputs into contiguous
//! order (a no-op borrow when they already are), then runs a contiguous kernel: the scalar
//! reference (`reference.rs`, the definition) or, where it matters, a faster one dispatched by
//! `kernels.rs`: the packed, cache-blocked matmul (`gemm.rs`; AVX2+FMA natively when the CPU has
//! it, `simd128.rs` on wasm), simd128 elementwise ops and reductions, and broadcast operands read
//! in place (`broadcast.rs`). `selfcheck.rs` checks every fast kernel against the reference, both
//! natively (`tests/kernels.rs`, with proptest) and in the browser (`tests/kernels_wasm.rs`).
mod broadcast;
pub mod gemm;
pub mod kernels;
pub mod math;
pub mod reference;
pub mod selfcheck;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd128;

use std::any::Any;
use std::borrow::Cow;
use std::rc::Rc;
use webgrad_core::memory::{try_copy, try_filled, try_vec};
use webgrad_core::{
    bail, numel, ArgReduceOp, Backend, BackendStorage, BinaryOp, DType, Device, Layout, ReduceOp, Result, Storage,
    UnaryOp, View, Window2d,
};

pub enum CpuStorage {
    F32(Vec<f32>),
    I32(Vec<i32>),
}

impl BackendStorage for CpuStorage {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn len(&self) -> usize {
        match self {
            CpuStorage::F32(v) => v.len(),
            CpuStorage::I32(v) => v.len(),
        }
    }
    fn dtype(&self) -> DType {
        match self {
            CpuStorage::F32(_) => DType::F32,
            CpuStorage::I32(_) => DType::I32,
        }
    }
}

#[derive(Default)]
pub struct CpuBackend;

/// A device running on the CPU backend.
pub fn cpu() -> Device {
    Device::new(Rc::new(CpuBackend))
}

fn storage_of<'a>(v: &View<'a>) -> Result<&'a CpuStorage> {
    match v.storage.as_any().downcast_ref::<CpuStorage>() {
        Some(s) => Ok(s),
        None => bail!("cpu", "tensor lives on another device"),
    }
}

fn strided<'a, T: Copy>(data: &'a [T], layout: &Layout) -> Result<Cow<'a, [T]>> {
    let n = layout.numel();
    Ok(if n == 0 {
        // An empty view may carry any offset (e.g. narrowed past the end of its storage).
        Cow::Borrowed(&[])
    } else if layout.is_contiguous() {
        Cow::Borrowed(&data[layout.offset..layout.offset + n])
    } else {
        let mut out = try_vec("copy", n)?;
        layout.for_each_index(|i| out.push(data[i]));
        Cow::Owned(out)
    })
}

/// An owned copy of a view's values (borrowed ones are copied fallibly).
fn owned<T: Copy>(values: Cow<[T]>) -> Result<Vec<T>> {
    match values {
        Cow::Owned(v) => Ok(v),
        Cow::Borrowed(b) => try_copy("copy", b),
    }
}

/// A zeroed output buffer of `n` values.
fn zeroed<T: Clone + Default>(op: &str, n: usize) -> Result<Vec<T>> {
    try_filled(op, n, T::default())
}

/// The view's f32 values in row-major order.
pub fn f32s<'a>(v: &View<'a>) -> Result<Cow<'a, [f32]>> {
    match storage_of(v)? {
        CpuStorage::F32(d) => strided(d, v.layout),
        CpuStorage::I32(_) => bail!("cpu", "expected f32 data, got i32 (shape {:?})", v.layout.shape),
    }
}

pub fn i32s<'a>(v: &View<'a>) -> Result<Cow<'a, [i32]>> {
    match storage_of(v)? {
        CpuStorage::I32(d) => strided(d, v.layout),
        CpuStorage::F32(_) => bail!("cpu", "expected i32 data, got f32 (shape {:?})", v.layout.shape),
    }
}

fn f32_storage(v: Vec<f32>) -> Storage {
    Rc::new(CpuStorage::F32(v))
}

/// Move `axes` to the end: the reduced elements of each output become one contiguous run.
fn axes_last(layout: &Layout, axes: &[usize]) -> Layout {
    let mut perm: Vec<usize> = (0..layout.rank()).filter(|a| !axes.contains(a)).collect();
    perm.extend_from_slice(axes);
    layout.permute(&perm)
}

impl Backend for CpuBackend {
    fn name(&self) -> String {
        kernels::NAME.to_string()
    }

    fn from_f32(&self, data: &[f32]) -> Result<Storage> {
        Ok(f32_storage(try_copy("tensor", data)?))
    }
    fn from_f32_vec(&self, data: Vec<f32>) -> Result<Storage> {
        Ok(f32_storage(data))
    }
    fn from_i32(&self, data: &[i32]) -> Result<Storage> {
        Ok(Rc::new(CpuStorage::I32(try_copy("tensor", data)?)))
    }
    fn read_f32(&self, x: View) -> Result<Vec<f32>> {
        owned(f32s(&x)?)
    }
    fn read_i32(&self, x: View) -> Result<Vec<i32>> {
        owned(i32s(&x)?)
    }

    fn copy(&self, x: View) -> Result<Storage> {
        Ok(match storage_of(&x)? {
            CpuStorage::F32(d) => f32_storage(owned(strided(d, x.layout)?)?),
            CpuStorage::I32(d) => Rc::new(CpuStorage::I32(owned(strided(d, x.layout)?)?)),
        })
    }

    fn cast(&self, x: View, to: DType) -> Result<Storage> {
        fn convert<A: Copy, B>(src: &[A], f: impl Fn(A) -> B) -> Result<Vec<B>> {
            let mut out = try_vec("cast", src.len())?;
            out.extend(src.iter().map(|&v| f(v)));
            Ok(out)
        }
        Ok(match (storage_of(&x)?, to) {
            (CpuStorage::F32(d), DType::I32) => Rc::new(CpuStorage::I32(convert(&strided(d, x.layout)?, |v| v as i32)?)),
            (CpuStorage::I32(d), DType::F32) => f32_storage(convert(&strided(d, x.layout)?, |v| v as f32)?),
            _ => self.copy(x)?,
        })
    }

    fn unary(&self, op: UnaryOp, x: View) -> Result<Storage> {
        let src = f32s(&x)?;
        let mut out = zeroed("unary", src.len())?;
        kernels::unary(op, &src, &mut out);
        Ok(f32_storage(out))
    }

    fn binary(&self, op: BinaryOp, a: View, b: View) -> Result<Storage> {
        let mut out = zeroed("binary", a.layout.numel())?;
        // Broadcast operands (bias rows, keepdim columns, scalars) are read in place.
        if let (CpuStorage::F32(da), CpuStorage::F32(db)) = (storage_of(&a)?, storage_of(&b)?) {
            if broadcast::binary(op, da, a.layout, db, b.layout, &mut out) {
                return Ok(f32_storage(out));
            }
        }
        kernels::binary(op, &f32s(&a)?, &f32s(&b)?, &mut out);
        Ok(f32_storage(out))
    }

    fn where_cond(&self, cond: View, a: View, b: View) -> Result<Storage> {
        let (c, a, b) = (f32s(&cond)?, f32s(&a)?, f32s(&b)?);
        let mut out = try_vec("where", c.len())?;
        out.extend(c.iter().zip(a.iter()).zip(b.iter()).map(|((&c, &x), &y)| if c != 0.0 { x } else { y }));
        Ok(f32_storage(out))
    }

    fn reduce(&self, op: ReduceOp, x: View, axes: &[usize]) -> Result<Storage> {
        // Leading axes of a contiguous view (a bias gradient): fold rows without transposing.
        let leading = axes.iter().enumerate().all(|(i, &a)| i == a);
        if leading && !axes.is_empty() && axes.len() < x.layout.rank() && x.layout.numel() > 0 && x.layout.is_contiguous() {
            let rows: usize = x.layout.shape[..axes.len()].iter().product();
            let src = f32s(&x)?;
            let mut out = zeroed("reduce", src.len() / rows.max(1))?;
            if rows > 0 {
                broadcast::reduce_leading(op, &src, rows, &mut out);
            }
            return Ok(f32_storage(out));
        }
        let moved = axes_last(x.layout, axes);
        let len: usize = axes.iter().map(|&a| x.layout.shape[a]).product();
        let outer = if len == 0 { numel(&moved.shape[..moved.rank() - axes.len()]) } else { x.layout.numel() / len };
        let src = f32s(&View { storage: x.storage, layout: &moved })?;
        let mut out = zeroed("reduce", outer)?;
        kernels::reduce_rows(op, &src, len, &mut out);
        Ok(f32_storage(out))
    }

    fn arg_reduce(&self, op: ArgReduceOp, x: View, axis: usize) -> Result<Storage> {
        let moved = axes_last(x.layout, &[axis]);
        let len = x.layout.shape[axis];
        let src = f32s(&View { storage: x.storage, layout: &moved })?;
        let mut out = zeroed("arg_reduce", src.len() / len)?;
        reference::arg_reduce_rows(op, &src, len, &mut out);
        Ok(Rc::new(CpuStorage::I32(out)))
    }

    fn matmul(&self, a: View, b: View) -> Result<Storage> {
        let (sa, sb) = (&a.layout.shape, &b.layout.shape);
        let (batch, m, k, n) = (sa[0], sa[1], sa[2], sb[2]);
        let mut out = zeroed("matmul", batch * m * n)?;
        // Strided operands (a transposed weight in backward) are packed by the kernel itself.
        for bi in 0..batch {
            let la = a.layout.narrow(0, bi, 1);
            let lb = b.layout.narrow(0, bi, 1);
            let va = storage_f32(&a)?;
            let vb = storage_f32(&b)?;
            let ma = kernels::MatView { data: va, offset: la.offset, row_stride: la.strides[1], col_stride: la.strides[2] };
            let mb = kernels::MatView { data: vb, offset: lb.offset, row_stride: lb.strides[1], col_stride: lb.strides[2] };
            kernels::matmul(&ma, &mb, &mut out[bi * m * n..(bi + 1) * m * n], m, k, n);
        }
        Ok(f32_storage(out))
    }

    fn concat(&self, parts: &[View], axis: usize) -> Result<Storage> {
        // Each part contributes one run of `len(axis) * inner` values per outer index.
        let shape0 = &parts[0].layout.shape;
        let outer: usize = shape0[..axis].iter().product();
        let inner: usize = shape0[axis + 1..].iter().product();
        let runs: Vec<usize> = parts.iter().map(|p| p.layout.shape[axis] * inner).collect();
        fn interleave<T: Copy>(datas: &[Cow<[T]>], runs: &[usize], outer: usize) -> Result<Vec<T>> {
            let mut out = try_vec("concat", outer * runs.iter().sum::<usize>())?;
            for o in 0..outer {
                for (d, &run) in datas.iter().zip(runs) {
                    out.extend_from_slice(&d[o * run..(o + 1) * run]);
                }
            }
            Ok(out)
        }
        Ok(match parts[0].storage.dtype() {
            DType::I32 => {
                let datas = parts.iter().map(i32s).collect::<Result<Vec<_>>>()?;
                Rc::new(CpuStorage::I32(interleave(&datas, &runs, outer)?))
            }
            DType::F32 => f32_storage(interleave(&parts.iter().map(f32s).collect::<Result<Vec<_>>>()?, &runs, outer)?),
        })
    }

    fn index_select(&self, x: View, axis: usize, idx: View) -> Result<Storage> {
        let s = &x.layout.shape;
        let (outer, dim, inner) = (s[..axis].iter().product::<usize>(), s[axis], s[axis + 1..].iter().product::<usize>());
        let src = f32s(&x)?;
        let idx = i32s(&idx)?;
        let mut out = try_vec("index_select", outer * idx.len() * inner)?;
        for o in 0..outer {
            for &i in idx.iter() {
                if i < 0 || i as usize >= dim {
                    bail!("index_select", "index {} is out of range for axis {} of size {}", i, axis, dim);
                }
                out.extend_from_slice(&src[(o * dim + i as usize) * inner..][..inner]);
            }
        }
        Ok(f32_storage(out))
    }

    fn index_add(&self, src: View, axis: usize, idx: View, dim_size: usize) -> Result<Storage> {
        let s = &src.layout.shape;
        let (outer, count, inner) = (s[..axis].iter().product::<usize>(), s[axis], s[axis + 1..].iter().product::<usize>());
        let data = f32s(&src)?;
        let idx = i32s(&idx)?;
        let mut out = zeroed("index_add", outer * dim_size * inner)?;
        for o in 0..outer {
            for (j, &i) in idx.iter().enumerate().take(count) {
                if i < 0 || i as usize >= dim_size {
                    bail!("index_add", "index {} is out of range for axis {} of size {}", i, axis, dim_size);
                }
                let dst = &mut out[(o * dim_size + i as usize) * inner..][..inner];
                for (d, &v) in dst.iter_mut().zip(&data[(o * count + j) * inner..][..inner]) {
                    *d += v;
                }
            }
        }
        Ok(f32_storage(out))
    }

    fn unfold2d(&self, x: View, win: &Window2d) -> Result<Storage> {
        let src = f32s(&x)?;
        let mut out = zeroed("unfold2d", numel(&win.cols_shape()))?;
        reference::unfold2d(&src, win, &mut out);
        Ok(f32_storage(out))
    }

    fn fold2d(&self, cols: View, win: &Window2d) -> Result<Storage> {
        let src = f32s(&cols)?;
        let mut out = zeroed("fold2d", win.n * win.c * win.h * win.w)?;
        reference::fold2d(&src, win, &mut out);
        Ok(f32_storage(out))
    }
}

fn storage_f32<'a>(v: &View<'a>) -> Result<&'a [f32]> {
    match v.storage.as_any().downcast_ref::<CpuStorage>() {
        Some(CpuStorage::F32(d)) => Ok(d),
        _ => bail!("matmul", "expected f32 data on the CPU"),
    }
}
