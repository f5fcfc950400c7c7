//! `cargo xtask setup`: idempotently install what a fresh Debian 12 machine lacks.
//! Every step checks first and prints what it does; running it twice does nothing the second time.

use crate::util::{self, cmd, have, output, sh, Res};
use std::fs;
use std::process::Command;

/// What to install. `Test` leaves out tools only people use by hand (wasm-pack).
#[derive(Clone, Copy, PartialEq)]
pub enum Scope {
    Full,
    Test,
}

/// Headless browser tests (chromium + chromedriver, with fonts for screenshots) and native
/// Vulkan through lavapipe for wgpu tests without a GPU.
pub const APT_PACKAGES: &[&str] = &[
    "chromium",
    "chromium-driver",
    "fonts-liberation",
    "mesa-vulkan-drivers",
];

pub fn run(scope: Scope) -> Res {
    let mut st = util::Stages::new();
    let r = (|| {
        st.stage("setup: rust wasm32 target", wasm_target)?;
        st.stage("setup: wasm-bindgen-cli", wasm_bindgen_cli)?;
        if scope == Scope::Full {
            st.stage("setup: wasm-pack", wasm_pack)?;
        }
        st.stage("setup: nightly toolchain (fuzzing)", nightly)?;
        st.stage("setup: cargo-fuzz", cargo_fuzz)?;
        st.stage("setup: apt packages", apt)?;
        st.stage("setup: python safetensors (byte-compatibility test)", python_safetensors)?;
        st.stage("setup: npm packages", npm)
    })();
    st.summary();
    r
}

fn wasm_target() -> Res {
    let installed =
        output(&mut cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("wasm32-unknown-unknown: already installed");
        return Ok(());
    }
    sh(&mut cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

/// The `wasm-bindgen` version the workspace resolves to: Cargo.lock first, else the `=X` pin in
/// the workspace Cargo.toml.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let root = util::root();
    if let Ok(lock) = fs::read_to_string(root.join("Cargo.lock")) {
        let mut lines = lock.lines();
        while let Some(l) = lines.next() {
            if l.trim() == "name = \"wasm-bindgen\"" {
                if let Some(v) = lines
                    .next()
                    .and_then(|v| v.trim().strip_prefix("version = "))
                {
                    return Ok(v.trim_matches('"').to_string());
                }
            }
        }
    }
    let toml = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    toml.lines()
        .find_map(|l| l.trim().strip_prefix("wasm-bindgen = \"="))
        .map(|v| v.trim_end_matches('"').to_string())
        .ok_or_else(|| "no wasm-bindgen version in Cargo.lock or the workspace Cargo.toml".into())
}

fn wasm_bindgen_cli() -> Res {
    let want = wasm_bindgen_version()?;
    let have_ver = |p: &str| output(Command::new(p).arg("--version")).unwrap_or_default();
    let cli = have_ver("wasm-bindgen");
    let runner = have_ver("wasm-bindgen-test-runner");
    // Both print e.g. "wasm-bindgen 0.2.130"; the runner must match the lib as well as the cli.
    let ok = |s: &str| s.split_whitespace().nth(1) == Some(want.as_str());
    if ok(&cli) && ok(&runner) {
        println!("wasm-bindgen-cli {want}: already installed");
        return Ok(());
    }
    println!(
        "wasm-bindgen-cli: have `{}`, need {want} (~2.5 min to build)",
        cli.trim()
    );
    sh(&mut cmd(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &want, "--force"],
    ))
}

/// The fuzz targets build with libFuzzer's instrumentation, which needs a nightly compiler.
fn nightly() -> Res {
    let list = output(&mut cmd("rustup", &["toolchain", "list"])).unwrap_or_default();
    if list.lines().any(|l| l.starts_with("nightly")) {
        println!("nightly toolchain: already installed");
        return Ok(());
    }
    sh(&mut cmd("rustup", &["toolchain", "install", "nightly", "--profile", "minimal"]))
}

fn cargo_fuzz() -> Res {
    if have("cargo-fuzz") {
        println!("cargo-fuzz: already installed");
        return Ok(());
    }
    println!("cargo-fuzz: installing (~1.5 min to build)");
    sh(&mut cmd("cargo", &["install", "cargo-fuzz", "--locked"]))
}

fn wasm_pack() -> Res {
    if have("wasm-pack") {
        println!("wasm-pack: already installed");
        return Ok(());
    }
    sh(&mut cmd("cargo", &["install", "wasm-pack"]))
}

fn apt() -> Res {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            let s = output(&mut cmd("dpkg-query", &["-W", "-f=${Status}", p])).unwrap_or_default();
            !s.contains("install ok installed")
        })
        .collect();
    if missing.is_empty() {
        println!("apt: {} already installed", APT_PACKAGES.join(", "));
        return Ok(());
    }
    let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut c = if root {
            cmd("apt-get", &[])
        } else {
            cmd("sudo", &["apt-get"])
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        sh(&mut c)
    };
    apt(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    apt(&args)
}

/// A venv with Python's `safetensors` + `numpy`, so crates/nn proves its files are byte-compatible
/// with the Python package (the test finds `.venv-st` at the repository root).
fn python_safetensors() -> Res {
    let venv = util::root().join(".venv-st");
    let python = venv.join("bin/python");
    if python.exists() && cmd(python.to_str().unwrap(), &["-c", "import safetensors, numpy"]).status().is_ok_and(|s| s.success()) {
        println!("python: .venv-st has safetensors and numpy");
        return Ok(());
    }
    sh(&mut cmd("python3", &["-m", "venv", venv.to_str().unwrap()]))?;
    sh(&mut cmd(python.to_str().unwrap(), &["-m", "pip", "install", "-q", "safetensors", "numpy"]))
}

/// `npm ci` (or `npm install` without a lock file) in web/ and www/ when they have a package.json
/// and node_modules is older than the manifest.
fn npm() -> Res {
    for dir in ["web", "www"] {
        let d = util::root().join(dir);
        let manifest = d.join("package.json");
        if !manifest.exists() {
            println!("{dir}/: no package.json yet, skipping npm install");
            continue;
        }
        let lock = d.join("package-lock.json");
        let stamp = d.join("node_modules/.package-lock.json");
        let mtime = |p: &std::path::Path| fs::metadata(p).and_then(|m| m.modified()).ok();
        // npm rewrites node_modules/.package-lock.json on every install: it is fresh when newer
        // than the lock file (or than package.json when there is no lock file).
        let input = if lock.exists() { &lock } else { &manifest };
        if let (Some(s), Some(i)) = (mtime(&stamp), mtime(input)) {
            if s >= i {
                println!("{dir}/: node_modules up to date");
                continue;
            }
        }
        let sub = if lock.exists() { "ci" } else { "install" };
        let mut c = cmd("npm", &[sub, "--no-audit", "--no-fund"]);
        sh(c.current_dir(&d))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn wasm_bindgen_version_is_pinned() {
        let v = super::wasm_bindgen_version().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }
}
