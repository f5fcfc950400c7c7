//! Finite-difference gradient checks of composite graphs (an MLP, a conv net, softmax
//! cross-entropy, layer norm, attention). The goldens test each op alone; these make sure the
//! rules compose: broadcasting, views, reductions and matmul chained as real models chain them.
//!
//! Central differences in f32 with step h: truncation error ~h²·f''' and rounding error
//! ~eps·|f|/h. With h = 1e-2 and losses of order 1 both are ~1e-4, so an analytic gradient g
//! passes when |g - fd| ≤ 2e-3 + 2e-2·|fd|.
use webgrad_core::functional::{self as F, Reduction};
use webgrad_core::{Device, Result, Rng, Tensor};

const STEP: f32 = 1e-2;
const ATOL: f32 = 2e-3;
const RTOL: f32 = 2e-2;

type Graph = fn(&[Tensor]) -> Result<Tensor>;

pub struct GradCase {
    pub name: &'static str,
    pub shapes: Vec<Vec<usize>>,
    pub graph: Graph,
}

/// The shipped losses (crates/nn, what `fit` minimises), not copies of them.
fn softmax_cross_entropy(logits: &Tensor, targets: &[i32]) -> Result<Tensor> {
    let t = Tensor::from_i32(targets.to_vec(), &[targets.len()], logits.device())?;
    webgrad_nn::loss::softmax_cross_entropy(logits, &t, None)
}

/// Every composite graph: inputs are filled with seeded normals; the output is a scalar loss.
pub fn cases() -> Vec<GradCase> {
    vec![
        GradCase {
            name: "mlp_tanh_softmax_ce",
            shapes: vec![vec![4, 3], vec![3, 5], vec![5], vec![5, 3], vec![3]],
            graph: |t| {
                let h = t[0].matmul(&t[1])?.add(&t[2])?.tanh()?;
                let logits = h.matmul(&t[3])?.add(&t[4])?;
                softmax_cross_entropy(&logits, &[0, 2, 1, 2])
            },
        },
        GradCase {
            name: "mlp_sigmoid_gelu_mse",
            shapes: vec![vec![3, 4], vec![4, 6], vec![6, 1], vec![3, 1]],
            graph: |t| {
                let h = t[0].matmul(&t[1])?.gelu()?;
                let y = h.matmul(&t[2])?.sigmoid()?;
                webgrad_nn::loss::mse(&y, &t[3])
            },
        },
        GradCase {
            name: "conv_pool_dense",
            shapes: vec![vec![2, 2, 6, 6], vec![3, 2, 3, 3], vec![3], vec![27, 2]],
            graph: |t| {
                let c = t[0].conv2d(&t[1], Some(&t[2]), (1, 1), (1, 1))?.tanh()?;
                let p = c.avg_pool2d((2, 2), (2, 2), (0, 0))?;
                let f = p.reshape(&[2, 27])?;
                softmax_cross_entropy(&f.matmul(&t[3])?, &[1, 0])
            },
        },
        GradCase {
            name: "conv_stride2_maxpool",
            shapes: vec![vec![1, 3, 7, 7], vec![2, 3, 3, 2]],
            graph: |t| {
                let c = t[0].conv2d(&t[1], None, (2, 2), (1, 0))?;
                c.max_pool2d((2, 2), (1, 1), (0, 0))?.square()?.sum_all()
            },
        },
        GradCase {
            name: "layer_norm",
            shapes: vec![vec![3, 6], vec![6], vec![6], vec![3, 6]],
            graph: |t| F::layer_norm(&t[0], &[t[1].shape()[0]], Some(&t[1]), Some(&t[2]), 1e-5)?.mul(&t[3])?.sum_all(),
        },
        GradCase {
            name: "causal_attention",
            shapes: vec![vec![2, 4, 3], vec![3, 3], vec![3, 3], vec![3, 3]],
            graph: |t| {
                let (x, dev) = (&t[0], t[0].device());
                let (q, k, v) = (x.matmul(&t[1])?, x.matmul(&t[2])?, x.matmul(&t[3])?);
                let scores = q.matmul(&k.t()?)?.mul_scalar(1.0 / 3f32.sqrt())?;
                let mask: Vec<f32> = (0..16).map(|i| if i % 4 > i / 4 { 1.0 } else { 0.0 }).collect();
                let mask = Tensor::from_vec(mask, &[4, 4], dev)?;
                let scores = Tensor::where_cond(&mask, &Tensor::scalar(-1e9, dev)?, &scores)?;
                scores.softmax(-1)?.matmul(&v)?.tanh()?.sum_all()
            },
        },
        GradCase {
            name: "embedding_logsumexp",
            shapes: vec![vec![5, 3]],
            graph: |t| {
                let idx = Tensor::from_i32(vec![4, 0, 4, 2], &[4], t[0].device())?;
                let e = t[0].index_select(0, &idx)?;
                e.logsumexp(-1, false)?.mul(&e.narrow(1, 1, 1)?.reshape(&[4])?)?.sum_all()
            },
        },
        GradCase {
            name: "concat_permute_var",
            shapes: vec![vec![2, 3], vec![2, 2]],
            graph: |t| {
                let c = Tensor::concat(&[t[0].clone(), t[1].exp()?], 1)?;
                let p = c.permute(&[1, 0])?.contiguous()?;
                p.var(0, false, 1)?.sqrt()?.sum_all()
            },
        },
        // torch.nn.functional composites (webgrad_core::functional), as shipped to JS.
        GradCase {
            name: "f_layer_norm_2axes",
            shapes: vec![vec![2, 3, 4], vec![3, 4], vec![3, 4], vec![2, 3, 4]],
            graph: |t| F::layer_norm(&t[0], &[3, 4], Some(&t[1]), Some(&t[2]), 1e-5)?.mul(&t[3])?.sum_all(),
        },
        GradCase {
            // The BatchNorm layer's function, batch statistics (training) over N, H, W.
            name: "batch_norm_train_conv",
            shapes: vec![vec![3, 2, 3, 3], vec![2], vec![2], vec![3, 2, 3, 3]],
            graph: |t| F::batch_norm(&t[0], None, None, Some(&t[1]), Some(&t[2]), true, 0.1, 1e-5)?.output.mul(&t[3])?.sum_all(),
        },
        GradCase {
            name: "f_cross_entropy_weighted_smoothed_spatial",
            shapes: vec![vec![2, 3, 2]],
            graph: |t| {
                let dev = t[0].device();
                let y = Tensor::from_i32(vec![0, 2, 1, 1], &[2, 2], dev)?;
                let w = Tensor::from_vec(vec![0.5, 1.0, 2.0], &[3], dev)?;
                F::cross_entropy(&t[0], &y, Some(&w), 0.1, Reduction::Mean)
            },
        },
        GradCase {
            name: "f_cross_entropy_probs_bce_pos_weight",
            shapes: vec![vec![3, 4], vec![3, 4]],
            graph: |t| {
                let dev = t[0].device();
                let p = Tensor::from_vec((0..12).map(|i| ((i * 7) % 5) as f32).collect(), &[3, 4], dev)?.softmax(-1)?;
                let ce = F::cross_entropy(&t[0], &p, None, 0.2, Reduction::Sum)?;
                let pw = Tensor::from_vec(vec![0.5, 1.0, 2.0, 3.0], &[4], dev)?;
                let bce = F::binary_cross_entropy_with_logits(&t[1], &p, Some(&pw), Reduction::Mean)?;
                ce.add(&bce)
            },
        },
        GradCase {
            name: "f_huber_l1_mse",
            shapes: vec![vec![3, 5], vec![3, 5]],
            graph: |t| {
                let h = F::huber_loss(&t[0], &t[1], 0.7, Reduction::Sum)?;
                h.add(&F::l1_loss(&t[0].mul_scalar(2.0)?, &t[1], Reduction::Mean)?)?.add(&F::mse_loss(&t[0], &t[1], Reduction::Mean)?)
            },
        },
        GradCase {
            name: "f_sdpa_causal_and_masked",
            shapes: vec![vec![2, 4, 3], vec![2, 4, 3], vec![2, 4, 2], vec![2, 4, 2]],
            graph: |t| {
                let dev = t[0].device();
                let causal = F::scaled_dot_product_attention(&t[0], &t[1], &t[2], None, true)?;
                let keep = Tensor::from_i32((0..16).map(|i| i32::from(i % 4 == 0 || i % 3 == 1)).collect(), &[4, 4], dev)?;
                let masked = F::scaled_dot_product_attention(&t[0], &t[1], &t[2], Some(&keep), false)?;
                causal.add(&masked)?.mul(&t[3])?.sum_all()
            },
        },
        GradCase {
            name: "f_embedding_strided_slice_matmul_1d",
            shapes: vec![vec![5, 4], vec![4]],
            graph: |t| {
                let idx = Tensor::from_i32(vec![4, 0, 4, 2, 1, 3], &[2, 3], t[0].device())?;
                let e = F::embedding(&idx, &t[0])?; // [2, 3, 4]
                let s = e.strided_slice(&[0, -1, 3], &[2, 0, 0], &[1, -2, -2], 0, 0, 0)?; // [2, 2, 2]
                let v = t[1].strided_slice(&[1], &[4], &[2], 0, 0, 0)?; // [2]
                s.matmul(&v)?.tanh()?.sum_all()?.add(&t[1].matmul(&t[1])?)
            },
        },
    ]
}

/// Largest violation for one case, or an error describing where the analytic and numeric
/// gradients disagree.
pub fn check_case(device: &Device, case: &GradCase, seed: u64) -> std::result::Result<(), String> {
    crate::block_on_ready(check_case_async(device, case, seed))
}

/// `check_case` that reads values back asynchronously (WebGPU in the browser).
pub async fn check_case_async(device: &Device, case: &GradCase, seed: u64) -> std::result::Result<(), String> {
    let mut rng = Rng::new(seed);
    let values: Vec<Vec<f32>> =
        case.shapes.iter().map(|s| (0..s.iter().product()).map(|_| rng.normal() * 0.8).collect()).collect();
    let build = |vals: &[Vec<f32>]| -> Result<Vec<Tensor>> {
        vals.iter().zip(&case.shapes).map(|(v, s)| Tensor::from_slice(v, s, device)).collect()
    };
    let err = |e: webgrad_core::Error| format!("{}: {e}", case.name);
    let inputs = build(&values).map_err(err)?;
    inputs.iter().for_each(|t| {
        t.set_requires_grad(true);
    });
    let loss = (case.graph)(&inputs).map_err(err)?;
    loss.backward().map_err(err)?;
    let mut analytic: Vec<Vec<f32>> = Vec::new();
    for t in &inputs {
        analytic.push(match t.grad() {
            Some(g) => g.to_vec_async().await.map_err(err)?,
            None => vec![0.0; t.numel()],
        });
    }
    let eval = |vals: Vec<Vec<f32>>| async move {
        let loss = webgrad_core::no_grad(|| (case.graph)(&build(&vals)?))?;
        Ok::<f32, webgrad_core::Error>(loss.to_vec_async().await?[0])
    };
    let mut failures = Vec::new();
    for (i, v) in values.iter().enumerate() {
        for j in 0..v.len() {
            let mut plus = values.clone();
            plus[i][j] += STEP;
            let mut minus = values.clone();
            minus[i][j] -= STEP;
            let fd = (eval(plus).await.map_err(err)? - eval(minus).await.map_err(err)?) / (2.0 * STEP);
            let g = analytic[i][j];
            if (g - fd).abs() > ATOL + RTOL * fd.abs() || !g.is_finite() {
                failures.push(format!("input {i}[{j}]: analytic {g} vs numeric {fd}"));
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {} gradient entries disagree, e.g. {}", case.name, failures.len(), failures[..failures.len().min(4)].join("; ")))
    }
}

/// Run every composite graph on `device`; the error lists all failing graphs.
pub fn run_gradchecks(device: &Device) -> std::result::Result<usize, String> {
    crate::block_on_ready(run_gradchecks_async(device))
}

/// `run_gradchecks` with asynchronous readback (WebGPU in the browser).
pub async fn run_gradchecks_async(device: &Device) -> std::result::Result<usize, String> {
    let cases = cases();
    let mut errors = Vec::new();
    for c in &cases {
        if let Err(e) = check_case_async(device, c, 42).await {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(cases.len())
    } else {
        Err(errors.join("\n"))
    }
}
