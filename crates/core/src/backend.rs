//! The Backend trait: one method per primitive op family. The core never touches memory itself;
//! it hands buffers plus `Layout`s to the backend chosen at run time (CPU SIMD or WebGPU).
//!
//! Contract for every kernel: inputs are arbitrary strided views (`Layout`), the output is a new
//! contiguous buffer in row-major order of the output shape.
use crate::shape::Layout;
use crate::Result;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A readback in flight. Not `Send`: tensors live on one thread (the page or a worker).
pub type ReadFuture<T> = Pin<Box<dyn Future<Output = Result<T>>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    F32,
    /// Integer indices (gather, one-hot, argmax results, labels).
    I32,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "f32",
            DType::I32 => "i32",
        }
    }
}

crate::op_table! {
    /// Elementwise f32 → f32.
    pub enum UnaryOp {
        Neg = "neg" / OP_NEG,
        Exp = "exp" / OP_EXP,
        Log = "log" / OP_LOG,
        Sqrt = "sqrt" / OP_SQRT,
        Abs = "abs" / OP_ABS,
        Relu = "relu" / OP_RELU,
        Sigmoid = "sigmoid" / OP_SIGMOID,
        Tanh = "tanh" / OP_TANH,
        Sin = "sin" / OP_SIN,
        Cos = "cos" / OP_COS,
        Erf = "erf" / OP_ERF,
        Recip = "recip" / OP_RECIP,
        /// -1, 0 or 1; used by backward rules (abs, L1).
        Sign = "sign" / OP_SIGN,
    }
}

crate::op_table! {
    /// Elementwise (f32, f32) → f32, broadcasting.
    pub enum BinaryOp {
        Add = "add" / OP_ADD,
        Sub = "sub" / OP_SUB,
        Mul = "mul" / OP_MUL,
        Div = "div" / OP_DIV,
        Pow = "pow" / OP_POW,
        Max = "max" / OP_MAX,
        Min = "min" / OP_MIN,
        /// Comparisons produce 1.0 or 0.0 in f32.
        Eq = "eq" / OP_EQ,
        Ne = "ne" / OP_NE,
        Lt = "lt" / OP_LT,
        Le = "le" / OP_LE,
        Gt = "gt" / OP_GT,
        Ge = "ge" / OP_GE,
    }
}

impl BinaryOp {
    pub fn is_comparison(self) -> bool {
        matches!(self, BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge)
    }
}

crate::op_table! {
    /// Reductions over axes.
    pub enum ReduceOp {
        Sum = "sum" / OP_SUM,
        Max = "max" / OP_MAX,
        Min = "min" / OP_MIN,
    }
}

crate::op_table! {
    /// Index of the largest / smallest value along one axis.
    pub enum ArgReduceOp {
        ArgMax = "argmax" / OP_ARGMAX,
        ArgMin = "argmin" / OP_ARGMIN,
    }
}

/// Geometry of a 2-D sliding window over an NCHW tensor (conv / pooling via unfold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window2d {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
}

impl Window2d {
    pub fn out_h(&self) -> usize {
        (self.h + 2 * self.padding.0 - self.kh) / self.stride.0 + 1
    }
    pub fn out_w(&self) -> usize {
        (self.w + 2 * self.padding.1 - self.kw) / self.stride.1 + 1
    }
    /// Shape of the unfolded (im2col) tensor: [N, C*kh*kw, out_h*out_w].
    pub fn cols_shape(&self) -> [usize; 3] {
        [self.n, self.c * self.kh * self.kw, self.out_h() * self.out_w()]
    }
}

/// A buffer owned by some backend. The core only knows its length and dtype.
pub trait BackendStorage: Any {
    fn as_any(&self) -> &dyn Any;
    fn len(&self) -> usize;
    fn dtype(&self) -> DType;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub type Storage = Rc<dyn BackendStorage>;

/// A view: storage plus the layout through which it is read.
pub struct View<'a> {
    pub storage: &'a Storage,
    pub layout: &'a Layout,
}

pub trait Backend {
    /// Human-readable name, e.g. "cpu-simd128" or "webgpu (swiftshader)".
    fn name(&self) -> String;
    /// True for backends whose readback must be asynchronous in the browser.
    fn is_gpu(&self) -> bool {
        false
    }

    fn from_f32(&self, data: &[f32]) -> Result<Storage>;
    /// `from_f32` for values the caller gives away: a CPU backend keeps the buffer instead of
    /// copying it (half the peak memory when a large tensor is made).
    fn from_f32_vec(&self, data: Vec<f32>) -> Result<Storage> {
        self.from_f32(&data)
    }
    fn from_i32(&self, data: &[i32]) -> Result<Storage>;
    /// Synchronous readback of a view in row-major order. GPU backends may only support this natively.
    fn read_f32(&self, x: View) -> Result<Vec<f32>>;
    fn read_i32(&self, x: View) -> Result<Vec<i32>>;
    /// Readback that never blocks: what a GPU in the browser needs. The default is the
    /// synchronous read, already finished when the future is first polled.
    fn read_f32_async(&self, storage: Storage, layout: Layout) -> ReadFuture<Vec<f32>> {
        let values = self.read_f32(View { storage: &storage, layout: &layout });
        Box::pin(async move { values })
    }

    /// Strided copy into a fresh contiguous buffer (also the dtype-preserving "contiguous").
    fn copy(&self, x: View) -> Result<Storage>;
    fn cast(&self, x: View, to: DType) -> Result<Storage>;
    fn unary(&self, op: UnaryOp, x: View) -> Result<Storage>;
    /// `a` and `b` already have the same shape (broadcasting is done by stride-0 layouts).
    fn binary(&self, op: BinaryOp, a: View, b: View) -> Result<Storage>;
    /// Elementwise `cond != 0 ? a : b`, all three of the same shape.
    fn where_cond(&self, cond: View, a: View, b: View) -> Result<Storage>;
    /// Reduce `axes` (sorted, unique); the output has those axes removed.
    fn reduce(&self, op: ReduceOp, x: View, axes: &[usize]) -> Result<Storage>;
    /// Index (i32) of the max/min along `axis`, which is removed from the output; first index wins ties.
    fn arg_reduce(&self, op: ArgReduceOp, x: View, axis: usize) -> Result<Storage>;
    /// Batched matmul: a is [B, M, K], b is [B, K, N] (any strides), output [B, M, N].
    fn matmul(&self, a: View, b: View) -> Result<Storage>;
    /// Concatenate views along `axis` (all other dims equal). Output contiguous.
    fn concat(&self, parts: &[View], axis: usize) -> Result<Storage>;
    /// out = x.index_select(axis, idx): idx is a 1-D i32 view.
    fn index_select(&self, x: View, axis: usize, idx: View) -> Result<Storage>;
    /// out = zeros(shape) with src rows added at idx along axis (the backward of index_select).
    fn index_add(&self, src: View, axis: usize, idx: View, dim_size: usize) -> Result<Storage>;
    /// im2col: x [N,C,H,W] → [N, C*kh*kw, oh*ow], zero padding.
    fn unfold2d(&self, x: View, win: &Window2d) -> Result<Storage>;
    /// col2im: cols [N, C*kh*kw, oh*ow] → [N,C,H,W], overlapping windows summed (adjoint of unfold2d).
    fn fold2d(&self, cols: View, win: &Window2d) -> Result<Storage>;
}
