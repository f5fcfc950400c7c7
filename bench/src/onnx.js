// A minimal ONNX model writer: just enough protobuf (onnx.proto field numbers) to build the
// inference graphs the benchmark feeds to ONNX Runtime Web (MatMul, Gemm, Relu, Conv, MaxPool,
// Flatten), with float32 initializers stored as raw_data.

const enc = new TextEncoder();

class Writer {
  constructor() {
    this.parts = [];
    this.len = 0;
  }
  bytes(b) {
    this.parts.push(b);
    this.len += b.length;
  }
  varint(v) {
    const out = [];
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n; // int64 negatives as 10-byte two's complement
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      out.push(byte);
    } while (n > 0n);
    this.bytes(Uint8Array.from(out));
  }
  key(field, wire) {
    this.varint((field << 3) | wire);
  }
  int(field, v) {
    this.key(field, 0);
    this.varint(v);
  }
  float(field, v) {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }
  raw(field, b) {
    this.key(field, 2);
    this.varint(b.length);
    this.bytes(b);
  }
  str(field, s) {
    this.raw(field, enc.encode(s));
  }
  msg(field, build) {
    const w = new Writer();
    build(w);
    this.raw(field, w.finish());
  }
  finish() {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 };

/** TensorProto: dims=1, data_type=2, name=8, raw_data=9. */
function tensorProto(w, name, dims, data) {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.str(8, name);
  w.raw(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** ValueInfoProto name=1, type=2 → TypeProto.tensor_type=1 → elem_type=1, shape=2 → dim=1 → dim_value=1 | dim_param=2. */
function valueInfo(w, name, shape) {
  w.str(1, name);
  w.msg(2, (t) => t.msg(1, (tt) => {
    tt.int(1, FLOAT);
    tt.msg(2, (s) => {
      for (const d of shape) s.msg(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.str(2, d)));
    });
  }));
}

/** AttributeProto name=1, f=2, i=3, ints=8, type=20. */
function attribute(w, name, v) {
  w.str(1, name);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    w.int(20, ATTR.INTS);
  } else if (Number.isInteger(v)) {
    w.int(3, v);
    w.int(20, ATTR.INT);
  } else {
    w.float(2, v);
    w.int(20, ATTR.FLOAT);
  }
}

/**
 * Build a model. nodes: [{ op, inputs, outputs, attrs }]; initializers: [{ name, dims, data }];
 * inputs/outputs: [{ name, shape }] (a string in a shape is a symbolic dimension).
 */
export function onnxModel({ nodes, initializers = [], inputs, outputs, opset = 13 }) {
  const m = new Writer();
  m.int(1, 8); // ir_version
  m.str(2, 'webgrad-bench'); // producer_name
  m.msg(7, (g) => { // graph
    nodes.forEach((n, i) => g.msg(1, (nw) => { // node: input=1, output=2, name=3, op_type=4, attribute=5
      for (const x of n.inputs) nw.str(1, x);
      for (const x of n.outputs) nw.str(2, x);
      nw.str(3, `${n.op}_${i}`);
      nw.str(4, n.op);
      for (const [k, v] of Object.entries(n.attrs ?? {})) nw.msg(5, (a) => attribute(a, k, v));
    }));
    g.str(2, 'bench');
    for (const t of initializers) g.msg(5, (tw) => tensorProto(tw, t.name, t.dims, t.data));
    for (const v of inputs) g.msg(11, (vw) => valueInfo(vw, v.name, v.shape));
    for (const v of outputs) g.msg(12, (vw) => valueInfo(vw, v.name, v.shape));
  });
  m.msg(8, (o) => { // opset_import: domain=1 (empty: ai.onnx), version=2
    o.str(1, '');
    o.int(2, opset);
  });
  return m.finish();
}
