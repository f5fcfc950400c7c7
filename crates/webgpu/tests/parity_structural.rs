//! Parity of the structural kernels — index_select / index_add, unfold2d / fold2d — with the CPU
//! reference backend. All of them move or sum values in the CPU's order, so they must be exact.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe); tests/browser.rs covers the browser
mod common;
use common::{assert_pair, normal_data, random_shape, random_view, Pair};
use webgrad_core::{Layout, Rng, Tensor, View, Window2d};

#[test]
fn index_select_along_each_axis() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(20);
    for case in 0..30 {
        let shape = random_shape(&mut rng, 4, 6);
        let axis = rng.below(shape.len());
        let (x, kind) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        // Duplicates and any order; sometimes an index view with a stride (every other entry).
        let count = rng.below(8);
        let idx: Vec<i32> = (0..2 * count).map(|_| rng.below(shape[axis]) as i32).collect();
        let idx = Pair::new_i32(&idx, &[2 * count], &gpu);
        let idx = if rng.below(2) == 0 { idx.map(|t| t.reshape(&[count, 2])?.narrow(1, 1, 1)?.reshape(&[count])) } else { idx };
        let out = x.zip(&idx, |t, i| t.index_select(axis as isize, i));
        assert_pair(&format!("index_select #{case} {kind} {shape:?} axis {axis}"), &out, 0.0, 0.0);
    }
}

#[test]
fn index_select_out_of_range_reads_zeros() {
    let Some(gpu) = gpu!() else { return };
    // The GPU cannot report a bad index without a readback, so it yields a zero row, no panic.
    let x = Tensor::from_vec((1..=6).map(|v| v as f32).collect(), &[3, 2], &gpu).unwrap();
    let idx = Tensor::from_i32(vec![2, -1, 3, 0], &[4], &gpu).unwrap();
    let out = x.index_select(0, &idx).unwrap();
    assert_eq!(out.to_vec().unwrap(), vec![5.0, 6.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0]);
    // index_add skips such indices.
    let src = Tensor::ones(&[4, 2], &gpu).unwrap();
    let added = src.index_add(0, &idx, 3).unwrap();
    assert_eq!(added.to_vec().unwrap(), vec![1.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
}

#[test]
fn index_add_accumulates_duplicates_in_order() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(21);
    for case in 0..30 {
        let mut shape = random_shape(&mut rng, 4, 6);
        let axis = rng.below(shape.len());
        let dim_size = 1 + rng.below(6);
        shape[axis] = rng.below(9);
        let (src, kind) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        let idx: Vec<i32> = (0..shape[axis]).map(|_| rng.below(dim_size) as i32).collect();
        let idx = Pair::new_i32(&idx, &[shape[axis]], &gpu);
        let out = src.zip(&idx, |s, i| s.index_add(axis, i, dim_size));
        assert_pair(&format!("index_add #{case} {kind} {shape:?} axis {axis} into {dim_size}"), &out, 0.0, 0.0);
    }
}

fn random_window(rng: &mut Rng) -> Window2d {
    let (kh, kw) = (1 + rng.below(4), 1 + rng.below(4));
    let stride = (1 + rng.below(3), 1 + rng.below(3));
    let padding = (rng.below(3), rng.below(3));
    // Big enough for at least one window position.
    let h = (kh + rng.below(7)).saturating_sub(2 * padding.0).max(1);
    let w = (kw + rng.below(7)).saturating_sub(2 * padding.1).max(1);
    Window2d { n: 1 + rng.below(3), c: 1 + rng.below(3), h, w, kh, kw, stride, padding }
}

#[test]
fn unfold2d_random_windows_and_views() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(22);
    for case in 0..40 {
        let win = random_window(&mut rng);
        let shape = [win.n, win.c, win.h, win.w];
        let (x, kind) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        let out = x.map(|t| t.unfold2d((win.kh, win.kw), win.stride, win.padding));
        assert_pair(&format!("unfold2d #{case} {kind} {win:?}"), &out, 0.0, 0.0);
    }
}

#[test]
fn fold2d_random_windows_and_views() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(23);
    for case in 0..40 {
        let win = random_window(&mut rng);
        let (cols, kind) = random_view(&mut rng, &win.cols_shape(), &gpu, |r, n| normal_data(r, n, 1.0));
        let out = cols.map(|t| t.fold2d(&win));
        assert_pair(&format!("fold2d #{case} {kind} {win:?}"), &out, 0.0, 0.0);
    }
}

#[test]
fn pooling_and_conv_composites() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(24);
    let x = Pair::new(&normal_data(&mut rng, 2 * 3 * 9 * 9, 1.0), &[2, 3, 9, 9], &gpu);
    let w = Pair::new(&normal_data(&mut rng, 4 * 3 * 3 * 3, 0.3), &[4, 3, 3, 3], &gpu);
    let b = Pair::new(&normal_data(&mut rng, 4, 0.1), &[4], &gpu);
    let conv = Pair { cpu: x.cpu.conv2d(&w.cpu, Some(&b.cpu), (2, 2), (1, 1)).unwrap(), gpu: x.gpu.conv2d(&w.gpu, Some(&b.gpu), (2, 2), (1, 1)).unwrap() };
    assert_pair("conv2d", &conv, 1e-5, 1e-6);
    assert_pair("max_pool2d padded", &x.map(|t| t.max_pool2d((3, 3), (2, 2), (1, 1))), 0.0, 0.0);
    assert_pair("avg_pool2d", &x.map(|t| t.avg_pool2d((2, 2), (2, 2), (0, 0))), 1e-6, 1e-7);
}

#[test]
fn empty_and_i32_gathers() {
    let Some(gpu) = gpu!() else { return };
    // i32 tables gather through the same word-moving kernel (the CPU backend only does f32).
    let table = Tensor::from_i32(vec![10, 11, 20, 21, 30, 31], &[3, 2], &gpu).unwrap();
    let idx = Tensor::from_i32(vec![2, 0], &[2], &gpu).unwrap();
    let layout = Layout::contiguous(&[3, 2]);
    let s = gpu.backend().index_select(View { storage: table.storage(), layout: &layout }, 0, View { storage: idx.storage(), layout: idx.layout() }).unwrap();
    let got = gpu.backend().read_i32(View { storage: &s, layout: &Layout::contiguous(&[4]) }).unwrap();
    assert_eq!(got, vec![30, 31, 10, 11]);
    let empty = Tensor::from_i32(vec![], &[0], &gpu).unwrap();
    assert_eq!(Tensor::ones(&[3, 2], &gpu).unwrap().index_select(0, &empty).unwrap().dims(), vec![0, 2]);
}
