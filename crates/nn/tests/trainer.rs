//! fit / evaluate / predict / train_step: determinism, callbacks, early stopping, validation.
use std::cell::RefCell;
use webgrad_core::{Device, Tensor};
use webgrad_cpu::cpu;
use webgrad_data::synthetic::{generate, to_classes, Kind2d};
use webgrad_nn::prep::tensors;
use webgrad_nn::*;

fn xor_model(dev: &Device, loss: &str, outputs: usize, seed: u64) -> Model {
    let json = format!(
        r#"{{"input_shape": [2], "layers": [
            {{"type": "dense", "units": 8, "activation": "tanh"}},
            {{"type": "dense", "units": {outputs}}}],
          "loss": {{"type": "{loss}"}}, "optimizer": {{"type": "adam", "lr": 0.03}}, "seed": {seed}}}"#
    );
    build(&ModelSpec::from_json(&json).unwrap(), dev).unwrap()
}

fn xor_data(dev: &Device, n: usize) -> (Tensor, Tensor) {
    tensors(&to_classes(&generate(Kind2d::Xor, n, 0.0, 1).unwrap()).unwrap(), dev).unwrap()
}

#[test]
fn fit_is_deterministic_and_learns() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 400);
    let opts = FitOptions::new(15, 16).metrics(&[Metric::Accuracy]).validation_split(0.25);
    let run = || {
        let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 5);
        let h = m.fit(&x, &y, &opts, None, &mut Callbacks::none()).unwrap();
        (h, m.predict(&x).unwrap().to_vec().unwrap())
    };
    let (h1, p1) = run();
    let (h2, p2) = run();
    assert_eq!(h1, h2);
    assert_eq!(p1, p2);
    assert_eq!(h1.epochs.len(), 15);
    let keys: Vec<&String> = h1.epochs[0].keys().collect();
    assert_eq!(keys, ["accuracy", "loss", "lr", "val_accuracy", "val_loss"]);
    let loss = h1.series("loss");
    assert!(loss[14] < loss[0] * 0.5, "{loss:?}");
    assert!(h1.series("val_accuracy")[14] > 0.9, "{:?}", h1.series("val_accuracy"));
    assert_eq!(h1.stopped, None);
}

#[test]
fn evaluate_matches_the_losses_by_hand() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 100);
    let model = xor_model(&dev, "softmax_cross_entropy", 2, 1);
    let logs = model.evaluate(&x, &y, 7, &[Metric::Accuracy]).unwrap();
    let pred = model.predict(&x).unwrap();
    let want = loss::softmax_cross_entropy(&pred, &y, None).unwrap().item().unwrap();
    assert!((logs["loss"] - want).abs() < 1e-5, "{} vs {}", logs["loss"], want);
    let classes = pred.argmax(-1, false).unwrap().to_vec_i32().unwrap();
    let labels = y.to_vec_i32().unwrap();
    let acc = classes.iter().zip(&labels).filter(|(a, b)| a == b).count() as f32 / 100.0;
    assert!((logs["accuracy"] - acc).abs() < 1e-6);
    assert_eq!(model.predict_batched(&x, 13).unwrap().to_vec().unwrap(), pred.to_vec().unwrap());
    let proba = model.predict_proba(&x).unwrap().to_vec().unwrap();
    assert!(proba.chunks(2).all(|p| (p[0] + p[1] - 1.0).abs() < 1e-5));
}

#[test]
fn regression_and_binary_losses_report_accuracy_and_mae() {
    let dev = cpu();
    // Playground style: ±1 labels, MSE, accuracy = sign agreement.
    let data = generate(Kind2d::Gaussian, 200, 0.0, 2).unwrap();
    let (x, y) = tensors(&data, &dev).unwrap();
    let mut m = xor_model(&dev, "mse", 1, 2);
    let h = m.fit(&x, &y, &FitOptions::new(10, 20).metrics(&[Metric::Accuracy, Metric::Mae]), None, &mut Callbacks::none()).unwrap();
    assert!(h.series("accuracy")[9] > 0.95 && h.series("mae")[9] < h.series("mae")[0]);
    // Binary cross-entropy on {0, 1} targets.
    let y01 = y.add_scalar(1.0).unwrap().mul_scalar(0.5).unwrap();
    let mut b = xor_model(&dev, "binary_cross_entropy", 1, 2);
    let h = b.fit(&x, &y01, &FitOptions::new(10, 20).metrics(&[Metric::Accuracy, Metric::Mae]), None, &mut Callbacks::none()).unwrap();
    assert!(h.series("accuracy")[9] > 0.95, "{:?}", h.series("accuracy"));
    let p = b.predict_proba(&x).unwrap().to_vec().unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    let mut c = xor_model(&dev, "softmax_cross_entropy", 2, 2);
    let (cx, cy) = xor_data(&dev, 20);
    let err = c.fit(&cx, &cy, &FitOptions::new(1, 4).metrics(&[Metric::Mae]), None, &mut Callbacks::none()).unwrap_err();
    assert!(err.to_string().contains("mae metric"));
}

#[test]
fn callbacks_see_every_batch_and_can_stop() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 100);
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 3);
    let seen = RefCell::new(vec![]);
    let epochs = RefCell::new(0);
    let mut cbs = Callbacks::none()
        .on_batch(|b| {
            seen.borrow_mut().push((b.epoch, b.batch, b.batches, b.step));
            assert_eq!(b.loss.shape(), [] as [usize; 0]);
            if b.epoch == 2 && b.batch == 1 { Control::Stop } else { Control::Continue }
        })
        .on_epoch(|e| {
            *epochs.borrow_mut() += 1;
            assert!(e.logs.contains_key("loss"));
            Control::Continue
        });
    let h = m.fit(&x, &y, &FitOptions::new(10, 32), None, &mut cbs).unwrap();
    drop(cbs);
    // Keras' stop_training: the epoch in progress still ends (logs, on_epoch_end), then fit returns.
    assert_eq!(h.stopped, Some(StopReason::Callback));
    assert_eq!(h.epochs.len(), 3);
    assert_eq!(*epochs.borrow(), 3);
    let seen = seen.into_inner();
    assert_eq!(seen.len(), 4 + 4 + 2);
    assert_eq!(seen[0], (0, 0, 4, 1));
    assert_eq!(*seen.last().unwrap(), (2, 1, 4, 10));
    // An epoch callback can stop too.
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 3);
    let h = m.fit(&x, &y, &FitOptions::new(10, 32), None, &mut Callbacks::none().on_epoch(|e| if e.epoch == 4 { Control::Stop } else { Control::Continue })).unwrap();
    assert_eq!(h.epochs.len(), 5);
}

#[test]
fn early_stopping_stops_and_restores_the_best_weights() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 200);
    // A learning rate so high that validation loss soon stops improving.
    let json = r#"{"input_shape": [2], "layers": [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 2}],
        "loss": {"type": "softmax_cross_entropy"}, "optimizer": {"type": "sgd", "lr": 3.0}, "seed": 4}"#;
    let mut m = build(&ModelSpec::from_json(json).unwrap(), &dev).unwrap();
    let es = EarlyStopping { monitor: "val_loss".into(), patience: 2, restore_best_weights: true, ..Default::default() };
    // It diverges to NaN too: early stopping, not the non-finite check, is under test here.
    let opts = FitOptions { on_non_finite: NonFinite::Ignore, ..FitOptions::new(100, 8).validation_split(0.3).early_stopping(es) };
    let h = m.fit(&x, &y, &opts, None, &mut Callbacks::none()).unwrap();
    let Some(StopReason::EarlyStopping { best_epoch }) = h.stopped else { panic!("expected early stopping, got {:?}", h.stopped) };
    let val = h.series("val_loss");
    assert_eq!(val.len(), best_epoch + 4, "stops 3 epochs (patience 2 + 1) after the best: {val:?}");
    let best = val.iter().cloned().fold(f32::INFINITY, f32::min);
    assert_eq!(val[best_epoch], best);
    // The restored weights give the best epoch's validation loss again.
    let n_val = 60;
    let logs = m.evaluate(&x.narrow(0, 140, n_val).unwrap(), &y.narrow(0, 140, n_val).unwrap(), 256, &[]).unwrap();
    assert!((logs["loss"] - best).abs() < 1e-5, "{} vs {}", logs["loss"], best);
    // Monitoring a key that is not logged is an error that lists the keys.
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 3);
    let es = EarlyStopping { monitor: "val_loss".into(), ..Default::default() };
    let err = m.fit(&x, &y, &FitOptions::new(3, 32).early_stopping(es), None, &mut Callbacks::none()).unwrap_err().to_string();
    assert!(err.contains("\"val_loss\"") && err.contains("loss, lr"), "{err}");
}

#[test]
fn validation_data_train_step_and_bad_options() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 100);
    let (vx, vy) = xor_data(&dev, 30);
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 6);
    let h = m.fit(&x, &y, &FitOptions::new(2, 50), Some((&vx, &vy)), &mut Callbacks::none()).unwrap();
    assert!(h.epochs[1].contains_key("val_loss"));
    assert!(m.fit(&x, &y, &FitOptions::new(1, 50).validation_split(0.2), Some((&vx, &vy)), &mut Callbacks::none()).is_err());
    assert!(m.fit(&x, &y, &FitOptions::new(1, 0), None, &mut Callbacks::none()).is_err());
    assert!(m.fit(&x, &y, &FitOptions::new(1, 10).validation_split(1.0), None, &mut Callbacks::none()).is_err());
    // Stepwise training returns the loss without reading it; it goes down.
    let first = m.train_step(&x, &y).unwrap();
    for _ in 0..50 {
        m.train_step(&x, &y).unwrap();
    }
    let last = m.train_step(&x, &y).unwrap();
    assert!(last.item().unwrap() < first.item().unwrap());
    assert_eq!(m.optimizer().steps(), 2 * 2 + 52);
    let err = m.train_step(&x, &y.cast(webgrad_core::DType::F32).unwrap()).unwrap_err().to_string();
    assert!(err.contains("i32"), "{err}");
    let opts: FitOptions = serde_json::from_str(r#"{"epochs": 3, "metrics": ["accuracy"], "early_stopping": {"patience": 2}}"#).unwrap();
    assert_eq!((opts.batch_size, opts.shuffle, opts.early_stopping.unwrap().monitor.as_str()), (32, true, "val_loss"));
}

#[test]
fn keras_metrics_match_their_definitions() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 120);
    let y01 = y.cast(webgrad_core::DType::F32).unwrap().reshape(&[120, 1]).unwrap();
    let model = xor_model(&dev, "binary_cross_entropy", 1, 2);
    let all = [Metric::Accuracy, Metric::BinaryAccuracy, Metric::Mae, Metric::Mse, Metric::Precision, Metric::Recall, Metric::Auc];
    let logs = model.evaluate(&x, &y01, 7, &all).unwrap();
    let p: Vec<f32> = model.predict_proba(&x).unwrap().to_vec().unwrap();
    let t: Vec<f32> = y01.to_vec().unwrap();
    let n = p.len() as f32;
    let tp = p.iter().zip(&t).filter(|(p, t)| **p > 0.5 && **t > 0.5).count() as f32;
    let pp = p.iter().filter(|p| **p > 0.5).count() as f32;
    let ap = t.iter().filter(|t| **t > 0.5).count() as f32;
    let right = p.iter().zip(&t).filter(|(p, t)| (**p > 0.5) == (**t > 0.5)).count() as f32;
    let close = |k: &str, want: f32, tol: f32| assert!((logs[k] - want).abs() <= tol, "{k}: {} vs {want}", logs[k]);
    close("binary_accuracy", right / n, 1e-6);
    close("accuracy", right / n, 1e-6);
    close("precision", tp / pp, 1e-6);
    close("recall", tp / ap, 1e-6);
    close("mae", p.iter().zip(&t).map(|(p, t)| (p - t).abs()).sum::<f32>() / n, 1e-5);
    close("mse", p.iter().zip(&t).map(|(p, t)| (p - t).powi(2)).sum::<f32>() / n, 1e-5);
    // Exact ROC AUC: the fraction of (positive, negative) pairs ranked right; Keras' 200
    // thresholds approximate it to ~1e-2.
    let (pos, neg): (Vec<_>, Vec<_>) = p.iter().zip(&t).partition(|(_, t)| **t > 0.5);
    let pairs = pos.iter().flat_map(|(a, _)| neg.iter().map(move |(b, _)| if *a > *b { 1.0 } else if *a == *b { 0.5 } else { 0.0 })).sum::<f32>();
    close("auc", pairs / (pos.len() * neg.len()) as f32, 2e-2);
    // Metrics that make no sense for a loss are refused by name.
    let sparse = xor_model(&dev, "softmax_cross_entropy", 2, 2);
    let err = sparse.evaluate(&x, &y, 8, &[Metric::Precision]).unwrap_err().to_string();
    assert!(err.contains("precision") && err.contains("class indices"), "{err}");
}

#[test]
fn categorical_cross_entropy_and_huber_match_by_hand() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 64);
    let onehot = y.one_hot(2).unwrap();
    let cat = xor_model(&dev, "categorical_cross_entropy", 2, 9);
    let sparse = xor_model(&dev, "softmax_cross_entropy", 2, 9);
    let a = cat.evaluate(&x, &onehot, 64, &[Metric::CategoricalAccuracy, Metric::Accuracy]).unwrap();
    let b = sparse.evaluate(&x, &y, 64, &[Metric::Accuracy]).unwrap();
    assert!((a["loss"] - b["loss"]).abs() < 1e-6, "{a:?} vs {b:?}");
    assert_eq!(a["categorical_accuracy"], b["accuracy"]);
    assert_eq!(a["accuracy"], b["accuracy"]);
    let d = Tensor::from_vec(vec![0.0, 0.5, 2.0, -3.0], &[4], &dev).unwrap();
    let z = Tensor::zeros(&[4], &dev).unwrap();
    let h = loss::huber(&d, &z, 1.0).unwrap().item().unwrap();
    assert!((h - (0.0 + 0.125 + 1.5 + 2.5) / 4.0).abs() < 1e-6, "{h}");
}

#[test]
fn reduce_lr_on_plateau_lowers_the_rate_and_fit_runs_the_same_as_stepping_by_hand() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 100);
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 3);
    // Monitoring "lr" itself never improves after the first epoch: every `patience` epochs the
    // rate is cut, down to min_lr.
    let r = ReduceLrOnPlateau { monitor: "lr".into(), factor: 0.5, patience: 2, min_lr: 0.01, mode: Mode::Min, ..Default::default() };
    let h = m.fit(&x, &y, &FitOptions::new(8, 32).callback(Builtin::ReduceLrOnPlateau(r)), None, &mut Callbacks::none()).unwrap();
    let lr = h.series("lr");
    assert_eq!(lr[0], 0.03);
    assert!((m.optimizer().lr() - 0.01).abs() < 1e-7, "{lr:?} then {}", m.optimizer().lr());
    // The runner driven by hand gives exactly what fit gives.
    let opts = FitOptions::new(3, 16).metrics(&[Metric::Accuracy]).validation_split(0.2);
    let mut a = xor_model(&dev, "softmax_cross_entropy", 2, 4);
    let want = a.fit(&x, &y, &opts, None, &mut Callbacks::none()).unwrap();
    let mut b = xor_model(&dev, "softmax_cross_entropy", 2, 4);
    let mut run = FitRun::new(&b, &x, &y, &opts, None).unwrap();
    let mut got = History::default();
    while !run.done() {
        run.begin_epoch(&mut b).unwrap();
        while run.step(&mut b).unwrap().is_some() {}
        let t = run.train_sums(&b).unwrap().to_vec().unwrap();
        let v = run.val_sums(&b).unwrap().unwrap().to_vec().unwrap();
        got.epochs.push(run.end_epoch(&mut b, &t, Some(&v)).unwrap());
    }
    got.stopped = run.finish(&mut b).unwrap();
    assert_eq!(got, want);
    // A seeded run shuffles the same way whatever the model's generator did before.
    let s = FitOptions { seed: Some(7), ..FitOptions::new(2, 16) };
    let mut c = xor_model(&dev, "softmax_cross_entropy", 2, 4);
    let mut d = xor_model(&dev, "softmax_cross_entropy", 2, 4);
    d.fit(&x, &y, &FitOptions { shuffle: true, ..FitOptions::new(0, 16) }, None, &mut Callbacks::none()).unwrap();
    assert_eq!(c.fit(&x, &y, &s, None, &mut Callbacks::none()).unwrap(), d.fit(&x, &y, &s, None, &mut Callbacks::none()).unwrap());
}

#[test]
fn a_non_finite_loss_stops_fit_with_the_last_finite_weights_back() {
    let dev = cpu();
    let (x, y) = xor_data(&dev, 64);
    let mut m = xor_model(&dev, "softmax_cross_entropy", 2, 5);
    m.fit(&x, &y, &FitOptions::new(1, 16), None, &mut Callbacks::none()).unwrap();
    let before = m.predict(&x).unwrap().to_vec().unwrap();
    let mut bad = x.to_vec().unwrap();
    bad[10] = f32::NAN;
    let bad = Tensor::from_vec(bad, x.shape(), &dev).unwrap();
    let e = m.fit(&bad, &y, &FitOptions::new(3, 16), None, &mut Callbacks::none()).unwrap_err().to_string();
    assert!(e.contains("loss became NaN in epoch 0") && e.contains("weights from before that epoch are back"), "{e}");
    assert_eq!(m.predict(&x).unwrap().to_vec().unwrap(), before, "the last finite weights");
    // 'warn' trains on and says so; 'ignore' trains on silently.
    let warn = FitOptions { on_non_finite: NonFinite::Warn, ..FitOptions::new(2, 16) };
    let h = m.fit(&bad, &y, &warn, None, &mut Callbacks::none()).unwrap();
    assert_eq!(h.epochs.len(), 2);
    assert_eq!(h.warnings, ["loss became NaN in epoch 0", "loss became NaN in epoch 1"]);
    let ignore = FitOptions { on_non_finite: NonFinite::Ignore, ..FitOptions::new(1, 16) };
    assert!(m.fit(&bad, &y, &ignore, None, &mut Callbacks::none()).unwrap().warnings.is_empty());
}

#[test]
fn weights_that_overflow_in_an_epochs_last_step_stop_fit_too() {
    // One batch an epoch: its loss is computed before the step, so it is finite, but the step
    // sends the weight to infinity. Only the weights check sees it.
    let dev = cpu();
    let spec = ModelSpec::from_json(r#"{"input_shape": [1], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 10}, "seed": 1}"#).unwrap();
    let mut m = build(&spec, &dev).unwrap();
    m.set_param("0.weight", &Tensor::from_vec(vec![1.0], &[1, 1], &dev).unwrap()).unwrap();
    m.set_param("0.bias", &Tensor::from_vec(vec![0.0], &[1], &dev).unwrap()).unwrap();
    // loss (1e19 - 1)² = 1e38; the weight's gradient 2e38, times 10: infinity.
    let x = Tensor::from_vec(vec![1e19], &[1, 1], &dev).unwrap();
    let y = Tensor::from_vec(vec![1.0], &[1, 1], &dev).unwrap();
    let before = m.predict(&x).unwrap().to_vec().unwrap();
    let e = m.fit(&x, &y, &FitOptions::new(1, 1), None, &mut Callbacks::none()).unwrap_err().to_string();
    assert!(e.contains("a weight became NaN or infinite in epoch 0"), "{e}");
    assert_eq!(m.predict(&x).unwrap().to_vec().unwrap(), before);
}
