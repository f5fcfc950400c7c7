//! The package's TypeScript spec types (web/src/generated/spec.ts) are rendered from the Rust
//! spec with ts-rs; this test fails when the committed file is stale.
//! Regenerate: `WEBGRAD_BLESS=1 cargo test --release -p webgrad-nn --test ts_types`.
#![cfg(not(target_arch = "wasm32"))]

use ts_rs::{Config, TS};
use webgrad_nn::{
    Activation, Builtin, EarlyStopping, FitOptions, Init, LayerSpec, LossSpec, Metric, Mode, ModelSpec, NonFinite, OptimizerSpec, ReduceLrOnPlateau, Regularization, Schedule,
};

fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        ModelSpec::decl(&cfg),
        Regularization::decl(&cfg),
        LayerSpec::decl(&cfg),
        LossSpec::decl(&cfg),
        OptimizerSpec::decl(&cfg),
        Schedule::decl(&cfg),
        Init::decl(&cfg),
        Activation::decl(&cfg),
        FitOptions::decl(&cfg),
        Metric::decl(&cfg),
        Builtin::decl(&cfg),
        EarlyStopping::decl(&cfg),
        ReduceLrOnPlateau::decl(&cfg),
        Mode::decl(&cfg),
        NonFinite::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/nn (ModelSpec and the types it holds, FitOptions and its callbacks) by ts-rs; do not edit.\n\
         // Regenerate: WEBGRAD_BLESS=1 cargo test --release -p webgrad-nn --test ts_types\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn generated_spec_types_are_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/generated/spec.ts");
    let want = render();
    if std::env::var_os("WEBGRAD_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "web/src/generated/spec.ts is stale; regenerate it with\n  \
         WEBGRAD_BLESS=1 cargo test --release -p webgrad-nn --test ts_types"
    );
}
