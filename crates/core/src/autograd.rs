//! Reverse-mode autograd. Each primitive records one `Op`; `backward` walks the graph in reverse
//! topological order and applies exactly one rule per primitive. Rules are written in tensor ops,
//! so every backend gets gradients without writing a single backward kernel.
use crate::backend::{BinaryOp, ReduceOp, UnaryOp, Window2d};
use crate::tensor::{no_grad, Tensor};
use crate::{bail, Result};
use std::collections::HashMap;

pub(crate) enum Op {
    Unary(UnaryOp, Tensor),
    /// Inputs already broadcast to the output shape (broadcasting is its own `Broadcast` node).
    Binary(BinaryOp, Tensor, Tensor),
    /// cond (no gradient), a, b
    Where(Tensor, Tensor, Tensor),
    /// Reduced axes; the output keeps them as size 1.
    Reduce(ReduceOp, Tensor, Vec<usize>),
    /// [B,M,K] @ [B,K,N]
    Matmul(Tensor, Tensor),
    Reshape(Tensor),
    Copy(Tensor),
    Permute(Tensor, Vec<usize>),
    Broadcast(Tensor),
    /// input, axis, start
    Narrow(Tensor, usize, usize),
    Concat(Vec<Tensor>, usize),
    /// input, axis, indices
    IndexSelect(Tensor, usize, Tensor),
    /// source, axis, indices
    IndexAdd(Tensor, usize, Tensor),
    Unfold(Tensor, Window2d),
    Fold(Tensor, Window2d),
}

impl Op {
    /// The inputs gradients can flow into (index tensors and conditions are left out).
    pub(crate) fn inputs(&self) -> Vec<&Tensor> {
        match self {
            Op::Unary(_, x) | Op::Reduce(_, x, _) | Op::Reshape(x) | Op::Copy(x) | Op::Permute(x, _)
            | Op::Broadcast(x) | Op::Narrow(x, _, _) | Op::IndexSelect(x, _, _) | Op::IndexAdd(x, _, _)
            | Op::Unfold(x, _) | Op::Fold(x, _) => vec![x],
            Op::Binary(_, a, b) | Op::Where(_, a, b) | Op::Matmul(a, b) => vec![a, b],
            Op::Concat(parts, _) => parts.iter().collect(),
        }
    }
}

/// Sum `g` down to `shape` (the adjoint of broadcasting `shape` up to `g.shape()`).
pub fn sum_to_shape(g: &Tensor, shape: &[usize]) -> Result<Tensor> {
    if g.shape() == shape {
        return Ok(g.clone());
    }
    let lead = g.rank() - shape.len();
    let mut axes: Vec<isize> = (0..lead as isize).collect();
    for (i, &d) in shape.iter().enumerate() {
        if d == 1 && g.shape()[lead + i] != 1 {
            axes.push((lead + i) as isize);
        }
    }
    g.sum(axes, true)?.reshape(shape)
}

/// The one backward rule of each primitive: gradients for `op.inputs()`, in order.
fn backward_rule(op: &Op, out: &Tensor, g: &Tensor) -> Result<Vec<Tensor>> {
    Ok(match op {
        Op::Unary(u, x) => vec![match u {
            UnaryOp::Neg => g.neg()?,
            UnaryOp::Exp => g.mul(&out.detach())?,
            UnaryOp::Log => g.div(x)?,
            UnaryOp::Sqrt => g.div(&out.detach().mul_scalar(2.0)?)?,
            UnaryOp::Abs => g.mul(&x.sign()?)?,
            UnaryOp::Relu => g.mul(&x.gt(&x.zeros_like()?)?)?,
            UnaryOp::Sigmoid => {
                let y = out.detach();
                g.mul(&y.mul(&y.neg()?.add_scalar(1.0)?)?)?
            }
            UnaryOp::Tanh => {
                let y = out.detach();
                g.mul(&y.mul(&y)?.neg()?.add_scalar(1.0)?)?
            }
            UnaryOp::Sin => g.mul(&x.cos()?)?,
            UnaryOp::Cos => g.mul(&x.sin()?.neg()?)?,
            // d/dx erf(x) = 2/sqrt(pi) * exp(-x²)
            UnaryOp::Erf => g.mul(&x.mul(x)?.neg()?.exp()?.mul_scalar(std::f32::consts::FRAC_2_SQRT_PI)?)?,
            UnaryOp::Recip => {
                let y = out.detach();
                g.mul(&y.mul(&y)?)?.neg()?
            }
            UnaryOp::Sign => g.zeros_like()?,
        }],
        Op::Binary(b, x, y) => match b {
            BinaryOp::Add => vec![g.clone(), g.clone()],
            BinaryOp::Sub => vec![g.clone(), g.neg()?],
            BinaryOp::Mul => vec![g.mul(y)?, g.mul(x)?],
            BinaryOp::Div => vec![g.div(y)?, g.mul(x)?.div(&y.mul(y)?)?.neg()?],
            BinaryOp::Pow => {
                // d/dx x^y = y x^(y-1); d/dy x^y = x^y ln x (taken as 0 where x = 0, like PyTorch)
                let dx = g.mul(&y.mul(&x.pow(&y.add_scalar(-1.0)?)?)?)?;
                let safe_log = Tensor::where_cond(&x.gt(&x.zeros_like()?)?, &x.log()?, &x.zeros_like()?)?;
                let dy = g.mul(&out.detach().mul(&safe_log)?)?;
                vec![dx, dy]
            }
            BinaryOp::Max | BinaryOp::Min => {
                // The winner takes the gradient; a tie splits it evenly (as torch.maximum does).
                let (win_x, win_y) = if *b == BinaryOp::Max { (x.gt(y)?, y.gt(x)?) } else { (x.lt(y)?, y.lt(x)?) };
                let tie = x.eq(y)?.mul_scalar(0.5)?;
                vec![g.mul(&win_x.add(&tie)?)?, g.mul(&win_y.add(&tie)?)?]
            }
            _ => vec![g.zeros_like()?, g.zeros_like()?],
        },
        Op::Where(c, _, _) => {
            let zero = g.zeros_like()?;
            vec![Tensor::where_cond(c, g, &zero)?, Tensor::where_cond(c, &zero, g)?]
        }
        Op::Reduce(r, x, _) => {
            let g = g.broadcast_to(x.shape())?;
            match r {
                ReduceOp::Sum => vec![g],
                ReduceOp::Max | ReduceOp::Min => {
                    // Split among all positions equal to the extreme, like torch.amax / amin.
                    let mask = x.eq(&out.detach().broadcast_to(x.shape())?)?;
                    let Op::Reduce(_, _, axes) = op else { unreachable!() };
                    let axes: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
                    let count = mask.sum(axes, true)?;
                    vec![g.mul(&mask)?.div(&count.broadcast_to(x.shape())?)?]
                }
            }
        }
        Op::Matmul(a, b) => vec![g.matmul3(&b.t()?)?, a.t()?.matmul3(g)?],
        Op::Reshape(x) | Op::Copy(x) => vec![g.reshape(x.shape())?],
        Op::Permute(_, perm) => {
            let mut inv = vec![0; perm.len()];
            for (i, &p) in perm.iter().enumerate() {
                inv[p] = i;
            }
            vec![g.permute(&inv)?]
        }
        Op::Broadcast(x) => vec![sum_to_shape(g, x.shape())?],
        Op::Narrow(x, axis, start) => {
            let full = x.shape()[*axis];
            let len = g.shape()[*axis];
            let mut parts = Vec::new();
            let zeros = |n: usize| {
                let mut s = g.dims();
                s[*axis] = n;
                Tensor::zeros(&s, g.device())
            };
            if *start > 0 {
                parts.push(zeros(*start)?);
            }
            parts.push(g.clone());
            if start + len < full {
                parts.push(zeros(full - start - len)?);
            }
            vec![if parts.len() == 1 { g.clone() } else { Tensor::concat(&parts, *axis as isize)? }]
        }
        Op::Concat(parts, axis) => {
            let mut start = 0;
            let mut grads = Vec::new();
            for p in parts {
                let len = p.shape()[*axis];
                grads.push(g.narrow(*axis as isize, start, len)?);
                start += len;
            }
            grads
        }
        Op::IndexSelect(x, axis, idx) => vec![g.index_add(*axis, idx, x.shape()[*axis])?],
        Op::IndexAdd(_, axis, idx) => vec![g.index_select(*axis as isize, idx)?],
        Op::Unfold(_, win) => vec![g.fold2d(win)?],
        Op::Fold(_, win) => {
            vec![g.unfold2d((win.kh, win.kw), win.stride, win.padding)?]
        }
    })
}

impl Tensor {
    /// Back-propagate from this scalar: leaves with `requires_grad` accumulate into `grad()`.
    /// The graph is released afterwards, as in PyTorch: going through it again is an error.
    pub fn backward(&self) -> Result<()> {
        self.backward_retain(false)
    }

    /// `backward`, keeping the graph for another pass when `retain_graph` (PyTorch's
    /// `retain_graph=True`; the second pass accumulates into the same `grad()`).
    pub fn backward_retain(&self, retain_graph: bool) -> Result<()> {
        if self.numel() != 1 {
            bail!("backward", "needs a scalar (one element), got shape {:?}; reduce it first (e.g. sum or mean)", self.shape());
        }
        self.backward_with_retain(&Tensor::ones(self.shape(), self.device())?, retain_graph)
    }

    /// Back-propagate with an explicit upstream gradient of this tensor's shape.
    pub fn backward_with(&self, upstream: &Tensor) -> Result<()> {
        self.backward_with_retain(upstream, false)
    }

    /// `backward_with`, keeping the graph when `retain_graph`.
    pub fn backward_with_retain(&self, upstream: &Tensor, retain_graph: bool) -> Result<()> {
        if upstream.shape() != self.shape() {
            bail!("backward", "upstream gradient {:?} does not match tensor {:?}", upstream.shape(), self.shape());
        }
        if !self.tracks_grad() {
            bail!("backward", "this tensor does not depend on anything with requires_grad (or was built inside no_grad)");
        }
        // Reverse topological order by iterative DFS (deep graphs must not overflow the stack).
        let mut order: Vec<Tensor> = Vec::new();
        let mut visited = std::collections::HashSet::new();
        let mut stack: Vec<(Tensor, bool)> = vec![(self.clone(), false)];
        while let Some((t, expanded)) = stack.pop() {
            if expanded {
                order.push(t);
                continue;
            }
            if !visited.insert(t.id()) {
                continue;
            }
            stack.push((t.clone(), true));
            if t.op().is_some() && t.0.graph_released.get() {
                bail!(
                    "backward",
                    "trying to go backward through the graph a second time (a backward pass releases it); \
                     pass retain_graph (JS: backward({{ retainGraph: true }})) to the first backward to go through it again"
                );
            }
            if let Some(op) = t.op() {
                for i in op.inputs() {
                    if i.tracks_grad() && !visited.contains(&i.id()) {
                        stack.push((i.clone(), false));
                    }
                }
            }
        }
        no_grad(|| {
            let mut grads: HashMap<usize, Tensor> = HashMap::new();
            grads.insert(self.id(), upstream.clone());
            for t in order.iter().rev() {
                let Some(g) = grads.remove(&t.id()) else { continue };
                match t.op() {
                    Some(op) => {
                        let gs = backward_rule(op, t, &g)?;
                        for (input, gi) in op.inputs().into_iter().zip(gs) {
                            if !input.tracks_grad() {
                                continue;
                            }
                            let acc = match grads.remove(&input.id()) {
                                Some(prev) => prev.add(&gi)?,
                                None => gi,
                            };
                            grads.insert(input.id(), acc);
                        }
                    }
                    None if t.requires_grad() => {
                        let g = g.contiguous()?;
                        let total = match t.grad() {
                            Some(prev) => prev.add(&g)?,
                            None => g,
                        };
                        t.set_grad(Some(total.detach()));
                    }
                    None => {}
                }
            }
            if !retain_graph {
                for t in &order {
                    t.0.graph_released.set(true);
                }
            }
            Ok(())
        })
    }
}
