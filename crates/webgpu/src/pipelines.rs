//! WGSL sources, specialisation and the pipeline cache.
//!
//! Every kernel uses the same binding scheme, so one bind-group layout per input count serves all:
//! binding 0 holds the kernel's parameters (`params: array<u32>`), bindings 1..=n the inputs
//! (read-only storage), binding n+1 the output (read-write storage).
//!
//! A pipeline is specialised two ways, and both are part of its cache key:
//! - `override` constants (op codes such as `OP`), resolved when the pipeline is created;
//! - `//#if NAME` / `//#else` / `//#endif` blocks, for variants whose *declarations* differ
//!   (the vec4 and scalar flavours of matmul bind their inputs with different element types).
use std::collections::HashMap;
use std::rc::Rc;
use webgrad_core::{ArgReduceOp, BinaryOp, ReduceOp, UnaryOp};

/// Helpers shared by every family (parameter block, grid indexing, strided addressing).
const COMMON: &str = include_str!("shaders/common.wgsl");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Copy,
    Unary,
    Binary,
    Where,
    Reduce,
    Matmul,
    Gather,
    Conv,
}

impl Family {
    /// The shader as compiled: the shared helpers, the op tables' WGSL constants (`OP_ADD`, …)
    /// that the family's `switch OP` names, then the family's source with `defines` applied.
    fn full_source(self, defines: &[&str]) -> String {
        let constants = match self {
            Family::Unary => UnaryOp::wgsl_constants(),
            Family::Binary => BinaryOp::wgsl_constants(),
            Family::Reduce => ReduceOp::wgsl_constants() + &ArgReduceOp::wgsl_constants(),
            _ => String::new(),
        };
        format!("{}\n{}\n{}", COMMON, constants, preprocess(self.source(), defines))
    }

    fn source(self) -> &'static str {
        match self {
            Family::Copy => include_str!("shaders/copy.wgsl"),
            Family::Unary => include_str!("shaders/unary.wgsl"),
            Family::Binary => include_str!("shaders/binary.wgsl"),
            Family::Where => include_str!("shaders/where.wgsl"),
            Family::Reduce => include_str!("shaders/reduce.wgsl"),
            Family::Matmul => include_str!("shaders/matmul.wgsl"),
            Family::Gather => include_str!("shaders/gather.wgsl"),
            Family::Conv => include_str!("shaders/conv.wgsl"),
        }
    }
}

/// One entry point of a family and how many input buffers it binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Kernel {
    pub family: Family,
    pub entry: &'static str,
    pub inputs: u32,
}

const fn kernel(family: Family, entry: &'static str, inputs: u32) -> Kernel {
    Kernel { family, entry, inputs }
}

pub(crate) const COPY_STRIDED: Kernel = kernel(Family::Copy, "copy_strided", 1);
pub(crate) const CAST_F32_TO_I32: Kernel = kernel(Family::Copy, "cast_f32_to_i32", 1);
pub(crate) const CAST_I32_TO_F32: Kernel = kernel(Family::Copy, "cast_i32_to_f32", 1);
pub(crate) const UNARY: Kernel = kernel(Family::Unary, "unary", 1);
pub(crate) const BINARY: Kernel = kernel(Family::Binary, "binary", 2);
pub(crate) const WHERE_SELECT: Kernel = kernel(Family::Where, "where_select", 3);
pub(crate) const REDUCE_WORKGROUP_PER_ROW: Kernel = kernel(Family::Reduce, "reduce_workgroup_per_row", 1);
pub(crate) const REDUCE_THREAD_PER_ROW: Kernel = kernel(Family::Reduce, "reduce_thread_per_row", 1);
pub(crate) const ARG_REDUCE: Kernel = kernel(Family::Reduce, "arg_reduce", 1);
pub(crate) const MATMUL_TILED_32X32: Kernel = kernel(Family::Matmul, "matmul_tiled_32x32", 2);
pub(crate) const INDEX_SELECT: Kernel = kernel(Family::Gather, "index_select", 2);
pub(crate) const INDEX_ADD: Kernel = kernel(Family::Gather, "index_add", 2);
pub(crate) const UNFOLD2D: Kernel = kernel(Family::Conv, "unfold2d", 1);
pub(crate) const FOLD2D: Kernel = kernel(Family::Conv, "fold2d", 1);

/// How a kernel is specialised; part of the pipeline cache key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Spec {
    /// `override` constants of the shader.
    pub constants: Vec<(&'static str, u32)>,
    /// Names switched on in `//#if` blocks.
    pub defines: Vec<&'static str>,
}

impl Spec {
    pub fn op(code: u32) -> Spec {
        Spec { constants: vec![("OP", code)], defines: vec![] }
    }
}

/// Keep the lines of `src` selected by `//#if NAME` / `//#else` / `//#endif` (nestable).
pub(crate) fn preprocess(src: &str, defines: &[&str]) -> String {
    let mut out = String::with_capacity(src.len());
    // One entry per open block: whether its current branch is selected. A line is kept when
    // every enclosing branch is selected.
    let mut stack: Vec<bool> = Vec::new();
    for line in src.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("//#if ") {
            stack.push(defines.contains(&name.trim()));
        } else if t == "//#else" {
            let top = stack.last_mut().expect("//#else without //#if");
            *top = !*top;
        } else if t == "//#endif" {
            stack.pop().expect("//#endif without //#if");
        } else if stack.iter().all(|&on| on) {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(stack.is_empty(), "unterminated //#if");
    out
}

pub(crate) struct PipelineCache {
    modules: HashMap<(Family, Vec<&'static str>), wgpu::ShaderModule>,
    layouts: HashMap<u32, (wgpu::BindGroupLayout, wgpu::PipelineLayout)>,
    pipelines: HashMap<(Kernel, Spec), Rc<wgpu::ComputePipeline>>,
}

impl PipelineCache {
    pub fn new() -> Self {
        PipelineCache { modules: HashMap::new(), layouts: HashMap::new(), pipelines: HashMap::new() }
    }

    pub fn len(&self) -> usize {
        self.pipelines.len()
    }

    /// The bind-group layout shared by all kernels with `inputs` input buffers.
    pub fn bind_layout(&mut self, device: &wgpu::Device, inputs: u32) -> wgpu::BindGroupLayout {
        self.layout(device, inputs).0.clone()
    }

    fn layout(&mut self, device: &wgpu::Device, inputs: u32) -> &(wgpu::BindGroupLayout, wgpu::PipelineLayout) {
        self.layouts.entry(inputs).or_insert_with(|| {
            let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
                binding,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Storage { read_only },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            };
            // Parameters and inputs are read-only; the last binding is the output.
            let entries: Vec<_> = (0..=inputs).map(|b| storage(b, true)).chain([storage(inputs + 1, false)]).collect();
            let bind = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some("webgrad kernel bindings"), entries: &entries });
            let pipe = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("webgrad kernel layout"),
                bind_group_layouts: &[Some(&bind)],
                immediate_size: 0,
            });
            (bind, pipe)
        })
    }

    pub fn get(&mut self, device: &wgpu::Device, kernel: Kernel, spec: &Spec) -> Rc<wgpu::ComputePipeline> {
        let key = (kernel, spec.clone());
        if let Some(p) = self.pipelines.get(&key) {
            return p.clone();
        }
        let module_key = (kernel.family, spec.defines.clone());
        let module = self.modules.entry(module_key).or_insert_with(|| {
            let source = kernel.family.full_source(&spec.defines);
            // Compiling WGSL: validated by naga natively, by the browser's compiler on the web.
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(kernel.entry),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            })
        }).clone();
        let constants: Vec<(&str, f64)> = spec.constants.iter().map(|&(k, v)| (k, v as f64)).collect();
        let layout = self.layout(device, kernel.inputs).1.clone();
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(kernel.entry),
            layout: Some(&layout),
            module: &module,
            entry_point: Some(kernel.entry),
            compilation_options: wgpu::PipelineCompilationOptions { constants: &constants, zero_initialize_workgroup_memory: false },
            cache: None,
        });
        let pipeline = Rc::new(pipeline);
        self.pipelines.insert(key, pipeline.clone());
        pipeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every family and variant parses and validates (naga, as wgpu does natively): shader
    /// mistakes fail here, on machines without any GPU.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_shader_variant_validates() {
        let families = [Family::Copy, Family::Unary, Family::Binary, Family::Where, Family::Reduce, Family::Matmul, Family::Gather, Family::Conv];
        for family in families {
            let variants: &[&[&str]] = if family == Family::Matmul { &[&[], &["VEC4"]] } else { &[&[]] };
            for defines in variants {
                let source = family.full_source(defines);
                let module = naga::front::wgsl::parse_str(&source)
                    .unwrap_or_else(|e| panic!("{family:?} {defines:?}: {}", e.emit_to_string(&source)));
                naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
                    .validate(&module)
                    .unwrap_or_else(|e| panic!("{family:?} {defines:?}: {}", e.emit_to_string(&source)));
            }
        }
    }

    /// Every op of a table has exactly one `case OP_<NAME>:` in its family's shader, and no
    /// `switch OP` case is a bare number: an op's code can only ever run that op.
    #[test]
    fn every_op_has_its_case_in_its_shader() {
        fn check(family: Family, ops: &[(&str, &str)]) {
            let src = family.source();
            for (name, constant) in ops {
                let n = src.matches(&format!("case {constant}:")).count();
                assert_eq!(n, 1, "{family:?}: op {name} ({constant}) has {n} cases");
            }
            // Inside `switch OP { … }` (up to the closing brace at the switch's own indent).
            let mut indent: Option<usize> = None;
            for line in src.lines() {
                let (t, depth) = (line.trim(), line.len() - line.trim_start().len());
                match indent {
                    None if t == "switch OP {" => indent = Some(depth),
                    Some(d) if t == "}" && depth == d => indent = None,
                    Some(_) if t.starts_with("case ") => {
                        let label = t["case ".len()..].split(':').next().unwrap_or("").trim();
                        assert!(label.starts_with("OP_"), "{family:?}: `{t}` does not name an op table constant");
                    }
                    _ => {}
                }
            }
            assert!(indent.is_none(), "{family:?}: unterminated switch OP");
        }
        let ops = |all: Vec<(&'static str, &'static str)>| all;
        check(Family::Unary, &ops(UnaryOp::ALL.iter().map(|o| (o.name(), o.wgsl_constant())).collect()));
        check(Family::Binary, &ops(BinaryOp::ALL.iter().map(|o| (o.name(), o.wgsl_constant())).collect()));
        let reduce: Vec<_> = ReduceOp::ALL.iter().map(|o| (o.name(), o.wgsl_constant())).collect();
        let arg: Vec<_> = ArgReduceOp::ALL.iter().map(|o| (o.name(), o.wgsl_constant())).collect();
        // reduce's two switches (identity, combine) name each op once per switch.
        for (name, constant) in &reduce {
            assert_eq!(Family::Reduce.source().matches(&format!("case {constant}:")).count(), 2, "reduce op {name}");
        }
        check(Family::Reduce, &arg);
    }

    #[test]
    fn preprocess_selects_branches() {
        let src = "a\n//#if X\nb\n//#if Y\nc\n//#else\nd\n//#endif\n//#else\ne\n//#endif\nf\n";
        assert_eq!(preprocess(src, &["X"]), "a\nb\nd\nf\n");
        assert_eq!(preprocess(src, &["X", "Y"]), "a\nb\nc\nf\n");
        assert_eq!(preprocess(src, &[]), "a\ne\nf\n");
        assert_eq!(preprocess(src, &["Y"]), "a\ne\nf\n");
    }
}
