//! The op tables: each op family is declared once, in `backend.rs`, through `op_table!`, which
//! yields the enum, its list (`ALL`), each op's name (for errors and benchmarks), its code (its
//! position in the table) and the WGSL constants the WebGPU shaders switch on
//! (`const OP_ADD: u32 = 0u;`). A shader names every op by its constant, and its `default` branch
//! is never an op (webgpu's tests check that every op has its `case` in its shader), so a code
//! can never silently compute another op.

/// Declares an op family: `Variant = "name" / WGSL_CONSTANT,` per op, in code order.
#[macro_export]
macro_rules! op_table {
    ($(#[$meta:meta])* pub enum $enum:ident { $($(#[$vmeta:meta])* $variant:ident = $name:literal / $wgsl:ident,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $enum {
            $($(#[$vmeta])* $variant,)+
        }

        impl $enum {
            /// Every op of the family, in code order.
            pub const ALL: [$enum; [$(stringify!($variant)),+].len()] = [$($enum::$variant,)+];

            /// The op's name, as errors and benchmarks print it.
            pub fn name(self) -> &'static str {
                match self {
                    $($enum::$variant => $name,)+
                }
            }

            /// The op with this name.
            pub fn from_name(name: &str) -> Option<$enum> {
                Self::ALL.iter().copied().find(|op| op.name() == name)
            }

            /// The op's code: its position in the table, as the WGSL constants give it.
            pub fn code(self) -> u32 {
                self as u32
            }

            /// The name of the WGSL constant that holds the op's code.
            pub fn wgsl_constant(self) -> &'static str {
                match self {
                    $($enum::$variant => stringify!($wgsl),)+
                }
            }

            /// WGSL declarations of every op's constant, to put before the shader that uses them.
            pub fn wgsl_constants() -> String {
                Self::ALL.iter().map(|op| format!("const {}: u32 = {}u;\n", op.wgsl_constant(), op.code())).collect()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::backend::{ArgReduceOp, BinaryOp, ReduceOp, UnaryOp};

    #[test]
    fn names_codes_and_constants_come_from_one_table() {
        assert_eq!(UnaryOp::Relu.name(), "relu");
        assert_eq!(UnaryOp::from_name("sigmoid"), Some(UnaryOp::Sigmoid));
        assert_eq!(UnaryOp::from_name("nope"), None);
        for (i, op) in BinaryOp::ALL.iter().enumerate() {
            assert_eq!(op.code() as usize, i);
            assert_eq!(BinaryOp::from_name(op.name()), Some(*op));
        }
        assert!(BinaryOp::wgsl_constants().contains("const OP_GE: u32 = 12u;"));
        assert!(ReduceOp::wgsl_constants().starts_with("const OP_SUM: u32 = 0u;\n"));
        assert_eq!(ArgReduceOp::ArgMin.wgsl_constant(), "OP_ARGMIN");
        // Names are unique within a family.
        let mut names: Vec<_> = UnaryOp::ALL.iter().map(|o| o.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), UnaryOp::ALL.len());
    }
}
