//! Named ops built from the primitives. None of these has a backward rule of its own: gradients
//! come from the primitives they are made of.
use crate::backend::{ArgReduceOp, BinaryOp, DType, ReduceOp, UnaryOp};
use crate::ops::Axes;
use crate::shape::norm_axis;
use crate::tensor::Tensor;
use crate::{bail, Result};

macro_rules! unary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Tensor { $(pub fn $name(&self) -> Result<Tensor> { self.unary(UnaryOp::$op) })* }
    };
}
unary_methods!(neg => Neg, exp => Exp, log => Log, sqrt => Sqrt, abs => Abs, relu => Relu,
    sigmoid => Sigmoid, tanh => Tanh, sin => Sin, cos => Cos, erf => Erf, recip => Recip, sign => Sign);

macro_rules! binary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Tensor { $(pub fn $name(&self, other: &Tensor) -> Result<Tensor> { self.binary(BinaryOp::$op, other) })* }
    };
}
binary_methods!(add => Add, sub => Sub, mul => Mul, div => Div, pow => Pow, maximum => Max,
    minimum => Min, eq => Eq, ne => Ne, lt => Lt, le => Le, gt => Gt, ge => Ge);

impl Tensor {
    fn scalar_like(&self, v: f32) -> Result<Tensor> {
        Tensor::scalar(v, self.device())
    }
    pub fn add_scalar(&self, v: f32) -> Result<Tensor> {
        self.add(&self.scalar_like(v)?)
    }
    pub fn mul_scalar(&self, v: f32) -> Result<Tensor> {
        self.mul(&self.scalar_like(v)?)
    }
    pub fn pow_scalar(&self, v: f32) -> Result<Tensor> {
        self.pow(&self.scalar_like(v)?)
    }
    pub fn square(&self) -> Result<Tensor> {
        self.mul(self)
    }
    /// Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (PyTorch's default).
    pub fn gelu(&self) -> Result<Tensor> {
        let cdf = self.mul_scalar(std::f32::consts::FRAC_1_SQRT_2)?.erf()?.add_scalar(1.0)?.mul_scalar(0.5)?;
        self.mul(&cdf)
    }
    /// max(x, slope·x)
    pub fn leaky_relu(&self, slope: f32) -> Result<Tensor> {
        self.maximum(&self.mul_scalar(slope)?)
    }
    pub fn clamp(&self, min: f32, max: f32) -> Result<Tensor> {
        if min > max {
            bail!("clamp", "min {} is greater than max {}", min, max);
        }
        self.maximum(&self.scalar_like(min)?)?.minimum(&self.scalar_like(max)?)
    }

    // ---- reductions ----------------------------------------------------------------------
    pub fn sum(&self, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        self.reduce(ReduceOp::Sum, axes, keepdim)
    }
    pub fn max(&self, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        self.reduce(ReduceOp::Max, axes, keepdim)
    }
    pub fn min(&self, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        self.reduce(ReduceOp::Min, axes, keepdim)
    }
    pub fn sum_all(&self) -> Result<Tensor> {
        self.sum(Axes::All, false)
    }
    pub fn mean_all(&self) -> Result<Tensor> {
        self.mean(Axes::All, false)
    }
    fn count(&self, axes: &Axes, op: &str) -> Result<usize> {
        Ok(axes.resolve(op, self.rank())?.iter().map(|&a| self.shape()[a]).product())
    }
    pub fn mean(&self, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        let axes = axes.into();
        let n = self.count(&axes, "mean")?;
        if n == 0 {
            bail!("mean", "cannot average over an empty set (shape {:?})", self.shape());
        }
        self.sum(axes, keepdim)?.mul_scalar(1.0 / n as f32)
    }
    /// Variance with `correction` (0 = population, 1 = Bessel, PyTorch's default).
    pub fn var(&self, axes: impl Into<Axes>, keepdim: bool, correction: usize) -> Result<Tensor> {
        let axes = axes.into();
        let n = self.count(&axes, "var")?;
        if n <= correction {
            bail!("var", "{} elements are too few for correction {} (shape {:?})", n, correction, self.shape());
        }
        let centered = self.sub(&self.mean(axes.clone(), true)?)?;
        centered.square()?.sum(axes, keepdim)?.mul_scalar(1.0 / (n - correction) as f32)
    }
    /// log Σ exp(x), stabilised by subtracting the (constant) maximum.
    pub fn logsumexp(&self, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        let axes = axes.into();
        // The max is subtracted for stability; an infinite max is replaced by 0 so that
        // logsumexp([inf, 1]) = inf and logsumexp([-inf, -inf]) = -inf, as in torch.
        let m = self.max(axes.clone(), true)?.detach();
        let m = Tensor::where_cond(&m.abs()?.lt(&Tensor::scalar(f32::INFINITY, m.device())?)?, &m, &m.zeros_like()?)?;
        let lse = self.sub(&m)?.exp()?.sum(axes.clone(), true)?.log()?.add(&m)?;
        if keepdim {
            Ok(lse)
        } else {
            let dims = axes.resolve("logsumexp", self.rank())?;
            let shape: Vec<usize> = self.shape().iter().enumerate().filter(|(i, _)| !dims.contains(i)).map(|(_, &d)| d).collect();
            lse.reshape(&shape)
        }
    }
    pub fn argmax(&self, axis: isize, keepdim: bool) -> Result<Tensor> {
        self.arg_reduce(ArgReduceOp::ArgMax, axis, keepdim)
    }
    pub fn argmin(&self, axis: isize, keepdim: bool) -> Result<Tensor> {
        self.arg_reduce(ArgReduceOp::ArgMin, axis, keepdim)
    }

    pub fn softmax(&self, axis: isize) -> Result<Tensor> {
        let m = self.max(axis, true)?.detach();
        let e = self.sub(&m)?.exp()?;
        e.div(&e.sum(axis, true)?)
    }
    pub fn log_softmax(&self, axis: isize) -> Result<Tensor> {
        self.sub(&self.logsumexp(axis, true)?)
    }

    // ---- shapes --------------------------------------------------------------------------
    pub fn unsqueeze(&self, axis: isize) -> Result<Tensor> {
        let ax = norm_axis("unsqueeze", axis, self.rank() + 1)?;
        let mut s = self.dims();
        s.insert(ax, 1);
        self.reshape(&s)
    }
    pub fn flatten_from(&self, axis: usize) -> Result<Tensor> {
        let mut s = self.shape()[..axis.min(self.rank())].to_vec();
        s.push(self.shape()[axis.min(self.rank())..].iter().product());
        self.reshape(&s)
    }
    pub fn stack(parts: &[Tensor], axis: isize) -> Result<Tensor> {
        let Some(first) = parts.first() else { bail!("stack", "needs at least one tensor") };
        let ax = norm_axis("stack", axis, first.rank() + 1)? as isize;
        if let Some(bad) = parts.iter().find(|p| p.shape() != first.shape()) {
            bail!("stack", "all tensors need the same shape, got {:?} and {:?}", first.shape(), bad.shape());
        }
        let expanded = parts.iter().map(|p| p.unsqueeze(ax)).collect::<Result<Vec<_>>>()?;
        Tensor::concat(&expanded, ax)
    }

    /// One-hot encoding of an i32 tensor of class indices: appends a `num_classes` axis (f32).
    pub fn one_hot(&self, num_classes: usize) -> Result<Tensor> {
        if self.dtype() != DType::I32 {
            bail!("one_hot", "expects i32 class indices, got {} of shape {:?}", self.dtype().name(), self.shape());
        }
        if !self.device().backend().is_gpu() {
            if let Some(bad) = self.to_vec_i32()?.into_iter().find(|&c| c < 0 || c as usize >= num_classes) {
                bail!("one_hot", "class index {} is out of range for {} classes", bad, num_classes);
            }
        }
        let classes = Tensor::arange(num_classes, self.device())?;
        self.cast(DType::F32)?.unsqueeze(-1)?.eq(&classes)
    }

    // ---- convolution and pooling (unfold + matmul / reduce) ------------------------------
    /// 2-D convolution (cross-correlation, as in PyTorch): x [N,C,H,W], weight [O,C,kh,kw], bias [O].
    pub fn conv2d(&self, weight: &Tensor, bias: Option<&Tensor>, stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        if weight.rank() != 4 || self.rank() != 4 || weight.shape()[1] != self.shape()[1] {
            bail!("conv2d", "input {:?} and weight {:?} must be [N,C,H,W] and [O,C,kh,kw] with equal C", self.shape(), weight.shape());
        }
        let (o, kh, kw) = (weight.shape()[0], weight.shape()[2], weight.shape()[3]);
        let cols = self.unfold2d((kh, kw), stride, padding)?;
        let win = self.window("conv2d", (kh, kw), stride, padding)?;
        let w2 = weight.reshape(&[o, weight.numel() / o])?;
        let mut out = w2.matmul(&cols)?; // [N, O, L]
        if let Some(b) = bias {
            if b.shape() != [o] {
                bail!("conv2d", "bias {:?} must have shape [{}]", b.shape(), o);
            }
            out = out.add(&b.reshape(&[o, 1])?)?;
        }
        out.reshape(&[win.n, o, win.out_h(), win.out_w()])
    }

    fn pool_windows(&self, op: &str, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize)) -> Result<(Tensor, [usize; 4])> {
        let win = self.window(op, kernel, stride, padding)?;
        if padding.0 * 2 > kernel.0 || padding.1 * 2 > kernel.1 {
            bail!(op, "padding {:?} must be at most half the kernel {:?}", padding, kernel);
        }
        let cols = self.unfold2d(kernel, stride, padding)?; // [N, C*k*k, L]
        let l = win.out_h() * win.out_w();
        let cols = cols.reshape(&[win.n, win.c, kernel.0 * kernel.1, l])?;
        Ok((cols, [win.n, win.c, win.out_h(), win.out_w()]))
    }
    /// Max pooling; padded positions never win (they are masked to f32::MIN).
    pub fn max_pool2d(&self, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        let (mut cols, shape) = self.pool_windows("max_pool2d", kernel, stride, padding)?;
        if padding != (0, 0) {
            let valid = crate::no_grad(|| self.ones_like()?.pool_windows("max_pool2d", kernel, stride, padding))?.0;
            cols = Tensor::where_cond(&valid, &cols, &Tensor::scalar(f32::MIN, self.device())?)?;
        }
        cols.max(2, false)?.reshape(&shape)
    }
    /// Average pooling, counting padded zeros (PyTorch's count_include_pad=True).
    pub fn avg_pool2d(&self, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        let (cols, shape) = self.pool_windows("avg_pool2d", kernel, stride, padding)?;
        cols.mean(2, false)?.reshape(&shape)
    }
}

impl std::ops::Neg for &Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        Tensor::neg(self)
    }
}
