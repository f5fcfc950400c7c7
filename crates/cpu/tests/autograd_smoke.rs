//! Quick end-to-end checks of the core through the CPU backend (the full suite lives in
//! tests/conformance and runs on every backend).
use webgrad_core::{Rng, Tensor};
use webgrad_cpu::cpu;

#[test]
fn mlp_learns_xor() {
    let dev = cpu();
    let mut rng = Rng::new(7);
    let x = Tensor::from_vec(vec![0., 0., 0., 1., 1., 0., 1., 1.], &[4, 2], &dev).unwrap();
    let y = Tensor::from_vec(vec![0., 1., 1., 0.], &[4, 1], &dev).unwrap();
    let w1 = rng.normal_tensor(&[2, 8], 0.0, 1.0, &dev).unwrap();
    let b1 = Tensor::zeros(&[8], &dev).unwrap();
    let w2 = rng.normal_tensor(&[8, 1], 0.0, 0.5, &dev).unwrap();
    let b2 = Tensor::zeros(&[1], &dev).unwrap();
    let mut params = vec![w1, b1, w2, b2];
    let mut losses = vec![];
    for _ in 0..300 {
        params.iter().for_each(|p| { p.set_requires_grad(true); });
        let h = x.matmul(&params[0]).unwrap().add(&params[1]).unwrap().tanh().unwrap();
        let out = h.matmul(&params[2]).unwrap().add(&params[3]).unwrap();
        let loss = out.sub(&y).unwrap().square().unwrap().mean_all().unwrap();
        loss.backward().unwrap();
        losses.push(loss.item().unwrap());
        params = webgrad_core::no_grad(|| {
            params.iter().map(|p| p.sub(&p.grad().unwrap().mul_scalar(0.2).unwrap()).unwrap()).collect()
        });
    }
    assert!(losses[299] < 0.02, "loss {:?} -> {:?}", losses[0], losses[299]);
}

#[test]
fn errors_name_op_and_shapes() {
    let dev = cpu();
    let a = Tensor::zeros(&[3, 4], &dev).unwrap();
    let b = Tensor::zeros(&[5, 6], &dev).unwrap();
    let e = a.matmul(&b).unwrap_err().to_string();
    assert_eq!(e, "matmul: [3, 4] × [5, 6]: inner dimensions 4 and 5 differ");
    let e = a.add(&b).unwrap_err().to_string();
    assert!(e.starts_with("add: shapes [3, 4] and [5, 6] cannot be broadcast"), "{e}");
}

#[test]
fn grads_accumulate_and_broadcast() {
    let dev = cpu();
    let a = Tensor::from_vec(vec![1., 2., 3.], &[3], &dev).unwrap();
    a.set_requires_grad(true);
    let m = Tensor::ones(&[2, 3], &dev).unwrap();
    m.mul(&a).unwrap().sum_all().unwrap().backward().unwrap();
    assert_eq!(a.grad().unwrap().to_vec().unwrap(), vec![2., 2., 2.]);
    m.mul(&a).unwrap().sum_all().unwrap().backward().unwrap();
    assert_eq!(a.grad().unwrap().to_vec().unwrap(), vec![4., 4., 4.]);
}

#[test]
fn conv_and_pool_shapes() {
    let dev = cpu();
    let mut rng = Rng::new(1);
    let x = rng.normal_tensor(&[2, 3, 7, 7], 0.0, 1.0, &dev).unwrap();
    let w = rng.normal_tensor(&[4, 3, 3, 3], 0.0, 1.0, &dev).unwrap();
    let y = x.conv2d(&w, None, (2, 2), (1, 1)).unwrap();
    assert_eq!(y.shape(), &[2, 4, 4, 4]);
    let p = y.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    assert_eq!(p.shape(), &[2, 4, 2, 2]);
}

/// Scalars have no axes: axis arguments are errors, not panics.
#[test]
fn rank_zero_axes_are_errors() {
    let dev = cpu();
    let s = Tensor::scalar(1.0, &dev).unwrap();
    assert!(s.narrow(0, 0, 1).is_err());
    assert!(s.transpose(0, 0).is_err());
    assert!(Tensor::concat(&[s.clone(), s.clone()], 0).is_err());
    let idx = Tensor::from_i32(vec![0], &[1], &dev).unwrap();
    assert!(s.index_select(0, &idx).is_err());
    assert!(s.argmax(0, false).is_err());
    assert_eq!(s.sum_all().unwrap().item().unwrap(), 1.0);
    assert_eq!(s.unsqueeze(0).unwrap().shape(), &[1]);
    let v = Tensor::zeros(&[3], &dev).unwrap();
    assert!(v.narrow(0, 2, usize::MAX).is_err());
}

/// Empty tensors reshape and multiply; adding a size-1 axis to a transposed view needs no copy.
#[test]
fn empty_and_strided_reshapes() {
    let dev = cpu();
    let a = Tensor::zeros(&[3, 0], &dev).unwrap();
    let b = Tensor::zeros(&[0, 5], &dev).unwrap();
    assert_eq!(a.matmul(&b).unwrap().to_vec().unwrap(), vec![0.0; 15]);
    let w = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[2, 3], &dev).unwrap();
    let wt = w.t().unwrap();
    let r = wt.reshape(&[1, 3, 2]).unwrap();
    assert!(std::rc::Rc::ptr_eq(r.storage(), w.storage()), "reshape copied a view it could keep");
    assert_eq!(r.to_vec().unwrap(), vec![0., 3., 1., 4., 2., 5.]);
    assert_eq!(wt.reshape(&[6]).unwrap().to_vec().unwrap(), vec![0., 3., 1., 4., 2., 5.]);
}

/// An empty slice taken at the end of a tensor has an offset past its data; it must still work.
#[test]
fn empty_views_at_the_end() {
    let dev = cpu();
    let x = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[2, 3], &dev).unwrap();
    let tail = x.narrow(1, 3, 0).unwrap();
    assert_eq!(tail.to_vec().unwrap(), Vec::<f32>::new());
    let joined = Tensor::concat(&[x.narrow(1, 1, 2).unwrap(), tail], 1).unwrap();
    assert_eq!(joined.to_vec().unwrap(), vec![1., 2., 4., 5.]);
}

#[test]
fn reductions_of_empty_tensors() {
    let dev = cpu();
    let x = Tensor::zeros(&[0, 4], &dev).unwrap();
    assert_eq!(x.sum(0, false).unwrap().to_vec().unwrap(), vec![0.0; 4]);
    let y = Tensor::zeros(&[3, 0], &dev).unwrap();
    assert_eq!(y.sum(0, false).unwrap().shape(), &[0]);
    assert_eq!(y.sum(1, false).unwrap().to_vec().unwrap(), vec![0.0; 3]);
    assert!(y.max(1, false).is_err());
}

#[test]
fn concat_of_index_tensors() {
    let dev = cpu();
    let a = Tensor::from_i32(vec![1, 2, 3, 4], &[2, 2], &dev).unwrap();
    let b = Tensor::from_i32(vec![9, 8], &[2, 1], &dev).unwrap();
    let c = Tensor::concat(&[a, b], 1).unwrap();
    assert_eq!(c.to_vec_i32().unwrap(), vec![1, 2, 9, 3, 4, 8]);
}

#[test]
fn second_backward_through_a_released_graph_is_an_error() {
    let dev = cpu();
    let x = Tensor::from_vec(vec![1., 2., 3.], &[3], &dev).unwrap();
    x.set_requires_grad(true);
    let loss = x.square().unwrap().sum_all().unwrap();
    loss.backward().unwrap();
    let e = loss.backward().unwrap_err().to_string();
    assert!(e.starts_with("backward: trying to go backward through the graph a second time"), "{e}");
    // The failed pass added nothing: the gradient is still 2x.
    assert_eq!(x.grad().unwrap().to_vec().unwrap(), vec![2., 4., 6.]);
    // A graph sharing the released part fails too; a new graph from the leaf works.
    let y = x.square().unwrap();
    let a = y.sum_all().unwrap();
    let b = y.mul_scalar(2.).unwrap().sum_all().unwrap();
    a.backward().unwrap();
    assert!(b.backward().is_err());
    x.square().unwrap().sum_all().unwrap().backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec().unwrap(), vec![6., 12., 18.]);
}

#[test]
fn retain_graph_allows_a_second_pass_that_accumulates() {
    let dev = cpu();
    let x = Tensor::from_vec(vec![1., 2.], &[2], &dev).unwrap();
    x.set_requires_grad(true);
    let loss = x.square().unwrap().sum_all().unwrap();
    loss.backward_retain(true).unwrap();
    loss.backward_retain(false).unwrap();
    assert_eq!(x.grad().unwrap().to_vec().unwrap(), vec![4., 8.]);
    assert!(loss.backward().is_err());
}
