//! `Tensor` for JavaScript: creation from typed arrays, the engine's ops, autograd, readback.
//! Tensors taken by reference are not consumed; every op returns a new tensor (views share
//! storage, as in the engine).
use crate::device::current_device;
use crate::{js_err, shape_arg, JsResult, MAX_ELEMENTS};
use wasm_bindgen::prelude::*;
use webgrad_core::{Axes, DType, Rng, Tensor};

#[wasm_bindgen(js_name = Tensor)]
pub struct WasmTensor {
    inner: Tensor,
}

impl WasmTensor {
    pub fn new(inner: Tensor) -> Self {
        WasmTensor { inner }
    }
    pub fn tensor(&self) -> &Tensor {
        &self.inner
    }
}

impl From<Tensor> for WasmTensor {
    fn from(inner: Tensor) -> Self {
        WasmTensor { inner }
    }
}

type TResult = JsResult<WasmTensor>;

fn wrap(r: webgrad_core::Result<Tensor>) -> TResult {
    r.map(WasmTensor::from).map_err(js_err)
}

fn axes_arg(axes: Option<Vec<i32>>) -> Axes {
    match axes {
        None => Axes::All,
        Some(v) => Axes::Some(v.into_iter().map(|a| a as isize).collect()),
    }
}

/// Axis-taking ops index the shape by the axis: a rank-0 tensor has none.
fn needs_axes(op: &str, t: &Tensor) -> JsResult<()> {
    if t.rank() == 0 {
        return Err(JsError::new(&format!(
            "{op}: a scalar (rank-0) tensor has no axes"
        )));
    }
    Ok(())
}

/// Kernel, stride and padding sizes: small positive numbers (no overflow in window arithmetic).
fn pair(op: &str, what: &str, v: &[u32], min: u32) -> JsResult<(usize, usize)> {
    match v {
        [a, b] if (min..=65_535).contains(a) && (min..=65_535).contains(b) => {
            Ok((*a as usize, *b as usize))
        }
        _ => Err(JsError::new(&format!(
            "{op}: {what} must be two integers in {min}..=65535, got {v:?}"
        ))),
    }
}

macro_rules! unary_bindings {
    ($($js:literal => $name:ident),* $(,)?) => {
        #[wasm_bindgen(js_class = Tensor)]
        impl WasmTensor {
            $(#[wasm_bindgen(js_name = $js)]
            pub fn $name(&self) -> TResult { wrap(self.inner.$name()) })*
        }
    };
}
unary_bindings!("neg" => neg, "exp" => exp, "log" => log, "sqrt" => sqrt, "abs" => abs,
    "relu" => relu, "sigmoid" => sigmoid, "tanh" => tanh, "sin" => sin, "cos" => cos, "erf" => erf,
    "recip" => recip, "sign" => sign, "square" => square, "gelu" => gelu);

macro_rules! binary_bindings {
    ($($js:literal => $name:ident),* $(,)?) => {
        #[wasm_bindgen(js_class = Tensor)]
        impl WasmTensor {
            $(#[wasm_bindgen(js_name = $js)]
            pub fn $name(&self, other: &WasmTensor) -> TResult { wrap(self.inner.$name(&other.inner)) })*
        }
    };
}
binary_bindings!("add" => add, "sub" => sub, "mul" => mul, "div" => div, "pow" => pow,
    "maximum" => maximum, "minimum" => minimum, "eq" => eq, "ne" => ne, "lt" => lt, "le" => le,
    "gt" => gt, "ge" => ge, "matmul" => matmul);

#[wasm_bindgen(js_class = Tensor)]
impl WasmTensor {
    // ---- creation (on the current device) ----------------------------------------------------
    /// A float32 tensor holding a copy of `data` (one memcpy from the typed array, kept as it is
    /// on the CPU).
    #[wasm_bindgen(js_name = fromF32)]
    pub fn from_f32(data: Vec<f32>, shape: &[u32]) -> TResult {
        wrap(Tensor::from_vec(
            data,
            &shape_arg("tensor", shape)?,
            &current_device(),
        ))
    }
    /// An int32 tensor (class labels, indices) holding a copy of `data`.
    #[wasm_bindgen(js_name = fromI32)]
    pub fn from_i32(data: Vec<i32>, shape: &[u32]) -> TResult {
        wrap(Tensor::from_i32(
            data,
            &shape_arg("tensor", shape)?,
            &current_device(),
        ))
    }
    pub fn full(value: f32, shape: &[u32]) -> TResult {
        wrap(Tensor::full(
            value,
            &shape_arg("full", shape)?,
            &current_device(),
        ))
    }
    pub fn zeros(shape: &[u32]) -> TResult {
        wrap(Tensor::zeros(
            &shape_arg("zeros", shape)?,
            &current_device(),
        ))
    }
    pub fn ones(shape: &[u32]) -> TResult {
        wrap(Tensor::ones(&shape_arg("ones", shape)?, &current_device()))
    }
    pub fn scalar(value: f32) -> TResult {
        wrap(Tensor::scalar(value, &current_device()))
    }
    pub fn arange(n: u32) -> TResult {
        let n = shape_arg("arange", &[n])?[0];
        wrap(Tensor::arange(n, &current_device()))
    }
    /// Uniform samples in [lo, hi) from the engine's seeded RNG.
    #[wasm_bindgen(js_name = randUniform)]
    pub fn rand_uniform(shape: &[u32], lo: f32, hi: f32, seed: u64) -> TResult {
        wrap(Rng::new(seed).uniform_tensor(&shape_arg("rand", shape)?, lo, hi, &current_device()))
    }
    /// Normal samples with the given mean and standard deviation from the engine's seeded RNG.
    #[wasm_bindgen(js_name = randNormal)]
    pub fn rand_normal(shape: &[u32], mean: f32, std: f32, seed: u64) -> TResult {
        wrap(Rng::new(seed).normal_tensor(
            &shape_arg("randn", shape)?,
            mean,
            std,
            &current_device(),
        ))
    }

    // ---- facts ---------------------------------------------------------------------------
    #[wasm_bindgen(getter)]
    pub fn shape(&self) -> Vec<u32> {
        self.inner.shape().iter().map(|&d| d as u32).collect()
    }
    #[wasm_bindgen(getter)]
    pub fn rank(&self) -> u32 {
        self.inner.rank() as u32
    }
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.numel() as u32
    }
    /// "f32" or "i32".
    #[wasm_bindgen(getter)]
    pub fn dtype(&self) -> String {
        self.inner.dtype().name().to_string()
    }
    #[wasm_bindgen(getter)]
    pub fn device(&self) -> String {
        self.inner.device().name()
    }
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        format!("{:?}", self.inner)
    }

    // ---- readback ------------------------------------------------------------------------
    /// Values in row-major order as a new Float32Array.
    #[wasm_bindgen(js_name = toF32)]
    pub fn to_f32(&self) -> JsResult<Vec<f32>> {
        self.inner.to_vec().map_err(js_err)
    }
    /// Values in row-major order as a new Int32Array.
    #[wasm_bindgen(js_name = toI32)]
    pub fn to_i32(&self) -> JsResult<Vec<i32>> {
        self.inner.to_vec_i32().map_err(js_err)
    }
    pub fn item(&self) -> JsResult<f32> {
        self.inner.item().map_err(js_err)
    }
    /// Values as a Float32Array without blocking: the way to read a WebGPU tensor in the
    /// browser (CPU tensors resolve at once).
    #[wasm_bindgen(js_name = readF32)]
    pub fn read_f32(&self) -> js_sys::Promise {
        let t = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let v = crate::device::read_f32(&t)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(js_sys::Float32Array::from(&v[..]).into())
        })
    }
    /// Values as an Int32Array without blocking.
    #[wasm_bindgen(js_name = readI32)]
    pub fn read_i32(&self) -> js_sys::Promise {
        let t = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let v = crate::device::read_i32(&t)
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            Ok(js_sys::Int32Array::from(&v[..]).into())
        })
    }
    /// Copy to the current device (a new leaf: gradients do not flow across devices).
    #[wasm_bindgen(js_name = toCurrentDevice)]
    pub fn to_current_device(&self) -> TResult {
        wrap(self.inner.to_device(&current_device()))
    }

    // ---- scalars and composites ----------------------------------------------------------
    #[wasm_bindgen(js_name = addScalar)]
    pub fn add_scalar(&self, v: f32) -> TResult {
        wrap(self.inner.add_scalar(v))
    }
    #[wasm_bindgen(js_name = mulScalar)]
    pub fn mul_scalar(&self, v: f32) -> TResult {
        wrap(self.inner.mul_scalar(v))
    }
    #[wasm_bindgen(js_name = powScalar)]
    pub fn pow_scalar(&self, v: f32) -> TResult {
        wrap(self.inner.pow_scalar(v))
    }
    pub fn clamp(&self, min: f32, max: f32) -> TResult {
        wrap(self.inner.clamp(min, max))
    }
    #[wasm_bindgen(js_name = leakyRelu)]
    pub fn leaky_relu(&self, slope: f32) -> TResult {
        wrap(self.inner.leaky_relu(slope))
    }
    pub fn softmax(&self, axis: i32) -> TResult {
        wrap(self.inner.softmax(axis as isize))
    }
    #[wasm_bindgen(js_name = logSoftmax)]
    pub fn log_softmax(&self, axis: i32) -> TResult {
        wrap(self.inner.log_softmax(axis as isize))
    }
    /// Elementwise `cond != 0 ? a : b`, broadcasting all three.
    #[wasm_bindgen(js_name = where)]
    pub fn where_cond(cond: &WasmTensor, a: &WasmTensor, b: &WasmTensor) -> TResult {
        wrap(Tensor::where_cond(&cond.inner, &a.inner, &b.inner))
    }
    /// "f32" or "i32".
    pub fn cast(&self, dtype: &str) -> TResult {
        let to = match dtype {
            "f32" | "float32" => DType::F32,
            "i32" | "int32" => DType::I32,
            other => {
                return Err(JsError::new(&format!(
                    "cast: unknown dtype {other:?} (use \"f32\" or \"i32\")"
                )))
            }
        };
        wrap(self.inner.cast(to))
    }

    // ---- reductions (axes: null = all; negative axes count from the end) --------------------
    pub fn sum(&self, axes: Option<Vec<i32>>, keepdim: bool) -> TResult {
        wrap(self.inner.sum(axes_arg(axes), keepdim))
    }
    pub fn mean(&self, axes: Option<Vec<i32>>, keepdim: bool) -> TResult {
        wrap(self.inner.mean(axes_arg(axes), keepdim))
    }
    pub fn max(&self, axes: Option<Vec<i32>>, keepdim: bool) -> TResult {
        wrap(self.inner.max(axes_arg(axes), keepdim))
    }
    pub fn min(&self, axes: Option<Vec<i32>>, keepdim: bool) -> TResult {
        wrap(self.inner.min(axes_arg(axes), keepdim))
    }
    /// Variance; `correction` 1 is Bessel's (PyTorch's default), 0 the population variance.
    pub fn var(&self, axes: Option<Vec<i32>>, keepdim: bool, correction: u32) -> TResult {
        wrap(self.inner.var(axes_arg(axes), keepdim, correction as usize))
    }
    pub fn logsumexp(&self, axes: Option<Vec<i32>>, keepdim: bool) -> TResult {
        wrap(self.inner.logsumexp(axes_arg(axes), keepdim))
    }
    pub fn argmax(&self, axis: i32, keepdim: bool) -> TResult {
        wrap(self.inner.argmax(axis as isize, keepdim))
    }
    pub fn argmin(&self, axis: i32, keepdim: bool) -> TResult {
        wrap(self.inner.argmin(axis as isize, keepdim))
    }

    // ---- shapes and views ----------------------------------------------------------------
    /// New shape; one entry may be -1 (inferred).
    pub fn reshape(&self, shape: &[i32]) -> TResult {
        let dims: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
        wrap(self.inner.reshape_infer(&dims))
    }
    pub fn transpose(&self, dim0: i32, dim1: i32) -> TResult {
        needs_axes("transpose", &self.inner)?;
        wrap(self.inner.transpose(dim0 as isize, dim1 as isize))
    }
    /// Swap the last two axes.
    pub fn t(&self) -> TResult {
        needs_axes("t", &self.inner)?;
        wrap(self.inner.t())
    }
    pub fn permute(&self, perm: &[u32]) -> TResult {
        let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
        wrap(self.inner.permute(&perm))
    }
    #[wasm_bindgen(js_name = broadcastTo)]
    pub fn broadcast_to(&self, shape: &[u32]) -> TResult {
        wrap(self.inner.broadcast_to(&shape_arg("broadcast_to", shape)?))
    }
    /// Elements `start..start+len` along `axis`.
    pub fn narrow(&self, axis: i32, start: u32, len: u32) -> TResult {
        needs_axes("narrow", &self.inner)?;
        if start.checked_add(len).is_none() {
            return Err(JsError::new(&format!(
                "narrow: range {start}+{len} is out of bounds"
            )));
        }
        wrap(
            self.inner
                .narrow(axis as isize, start as usize, len as usize),
        )
    }
    pub fn unsqueeze(&self, axis: i32) -> TResult {
        wrap(self.inner.unsqueeze(axis as isize))
    }
    /// Flatten the axes from `start_axis` on into one.
    #[wasm_bindgen(js_name = flattenFrom)]
    pub fn flatten_from(&self, start_axis: u32) -> TResult {
        wrap(self.inner.flatten_from(start_axis as usize))
    }
    pub fn contiguous(&self) -> TResult {
        wrap(self.inner.contiguous())
    }
    /// Consumes the tensors passed (pass clones to keep them).
    pub fn concat(parts: Vec<WasmTensor>, axis: i32) -> TResult {
        let parts: Vec<Tensor> = parts.into_iter().map(|t| t.inner).collect();
        if let Some(p) = parts.first() {
            needs_axes("concat", p)?;
        }
        wrap(Tensor::concat(&parts, axis as isize))
    }
    /// Consumes the tensors passed (pass clones to keep them).
    pub fn stack(parts: Vec<WasmTensor>, axis: i32) -> TResult {
        let parts: Vec<Tensor> = parts.into_iter().map(|t| t.inner).collect();
        wrap(Tensor::stack(&parts, axis as isize))
    }
    /// Entries along `axis` picked by a 1-D int32 index tensor.
    #[wasm_bindgen(js_name = indexSelect)]
    pub fn index_select(&self, axis: i32, indices: &WasmTensor) -> TResult {
        needs_axes("index_select", &self.inner)?;
        wrap(self.inner.index_select(axis as isize, &indices.inner))
    }
    /// One-hot encoding of int32 class indices (appends a `num_classes` axis).
    #[wasm_bindgen(js_name = oneHot)]
    pub fn one_hot(&self, num_classes: u32) -> TResult {
        if (self.inner.numel() as u64) * (num_classes as u64) > MAX_ELEMENTS as u64 {
            return Err(JsError::new(&format!(
                "one_hot: {} × {} classes is too large",
                self.inner.numel(),
                num_classes
            )));
        }
        wrap(self.inner.one_hot(num_classes as usize))
    }
    /// TF.js's `stridedSlice(begin, end, strides)` with begin/end/shrink-axis bit masks.
    #[wasm_bindgen(js_name = stridedSlice)]
    pub fn strided_slice(&self, begin: &[i32], end: &[i32], strides: &[i32], begin_mask: u32, end_mask: u32, shrink_axis_mask: u32) -> TResult {
        let v = |a: &[i32]| a.iter().map(|&x| x as isize).collect::<Vec<_>>();
        wrap(self.inner.strided_slice(&v(begin), &v(end), &v(strides), begin_mask, end_mask, shrink_axis_mask))
    }
    /// Shares storage with this tensor (cheap); the JS object is separate, so freeing one keeps the other.
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_js(&self) -> WasmTensor {
        WasmTensor::from(self.inner.clone())
    }

    // ---- convolution and pooling (NCHW) --------------------------------------------------
    /// x [N,C,H,W], weight [O,C,kh,kw], optional bias [O]; stride and padding are [h, w].
    pub fn conv2d(
        &self,
        weight: &WasmTensor,
        bias: Option<WasmTensor>,
        stride: &[u32],
        padding: &[u32],
    ) -> TResult {
        let s = pair("conv2d", "stride", stride, 1)?;
        let p = pair("conv2d", "padding", padding, 0)?;
        wrap(
            self.inner
                .conv2d(&weight.inner, bias.as_ref().map(|b| &b.inner), s, p),
        )
    }
    #[wasm_bindgen(js_name = maxPool2d)]
    pub fn max_pool2d(&self, kernel: &[u32], stride: &[u32], padding: &[u32]) -> TResult {
        let k = pair("max_pool2d", "kernel", kernel, 1)?;
        let s = pair("max_pool2d", "stride", stride, 1)?;
        let p = pair("max_pool2d", "padding", padding, 0)?;
        wrap(self.inner.max_pool2d(k, s, p))
    }
    #[wasm_bindgen(js_name = avgPool2d)]
    pub fn avg_pool2d(&self, kernel: &[u32], stride: &[u32], padding: &[u32]) -> TResult {
        let k = pair("avg_pool2d", "kernel", kernel, 1)?;
        let s = pair("avg_pool2d", "stride", stride, 1)?;
        let p = pair("avg_pool2d", "padding", padding, 0)?;
        wrap(self.inner.avg_pool2d(k, s, p))
    }

    // ---- autograd ------------------------------------------------------------------------
    #[wasm_bindgen(getter, js_name = requiresGrad)]
    pub fn requires_grad(&self) -> bool {
        self.inner.requires_grad()
    }
    /// Mark a leaf (a parameter) whose gradient `backward` accumulates.
    #[wasm_bindgen(setter, js_name = requiresGrad)]
    pub fn set_requires_grad(&self, on: bool) {
        self.inner.set_requires_grad(on);
    }
    /// Gradients of this (scalar) tensor with respect to every leaf that requires them; the
    /// graph is released unless `retain_graph` (a second pass through it is then an error).
    pub fn backward(&self, retain_graph: bool) -> JsResult<()> {
        self.inner.backward_retain(retain_graph).map_err(js_err)
    }
    /// The gradient accumulated by `backward`, or undefined.
    #[wasm_bindgen(getter)]
    pub fn grad(&self) -> Option<WasmTensor> {
        self.inner.grad().map(WasmTensor::from)
    }
    #[wasm_bindgen(js_name = zeroGrad)]
    pub fn zero_grad(&self) {
        self.inner.zero_grad()
    }
    /// Same values, cut from the autograd graph.
    pub fn detach(&self) -> WasmTensor {
        WasmTensor::from(self.inner.detach())
    }
}

/// Run `f` without recording operations for autograd; returns what `f` returns.
#[wasm_bindgen(js_name = noGrad)]
pub fn no_grad_js(f: &js_sys::Function) -> Result<JsValue, JsValue> {
    webgrad_core::no_grad(|| f.call0(&JsValue::UNDEFINED))
}

/// A random permutation of 0..n from the engine's seeded generator (shuffling order).
#[wasm_bindgen(js_name = randomPermutation)]
pub fn random_permutation(n: u32, seed: u64) -> JsResult<Vec<i32>> {
    let n = shape_arg("permutation", &[n])?[0];
    Ok(Rng::new(seed)
        .permutation(n)
        .into_iter()
        .map(|i| i as i32)
        .collect())
}
