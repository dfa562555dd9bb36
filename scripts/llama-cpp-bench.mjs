// llama.cpp's own prefill and decode speed on this machine, for ratios against `whittle bench` in the same run:
// pp = a prompt of P random tokens evaluated in one batch, tg = G tokens generated one at a time (greedy), both
// averaged over R repetitions after a warm-up; P or G = 0 skips that test. Uses node-llama-cpp's prebuilt CPU library
// (scripts/install-llama-cpp.sh), so its figures are a release build's, not a tuned local build's. That library
// picks a CPU variant at load time (sapphirerapids uses AMX int8 tiles, zen4/icelake AVX-512 VNNI, haswell AVX2);
// the result line names the one it kept (cpu=...), read from this process's memory map.
// usage: node llama-cpp-bench.mjs NODE_LLAMA_CPP_DIR MODEL.gguf [P=64] [G=32] [THREADS=2] [R=3] [EXCLUDE=]
// EXCLUDE: comma-separated CPU variants llama.cpp must not load (e.g. sapphirerapids, to measure it without AMX);
// they are left out of a copy of the prebuilt package, made once under NODE_LLAMA_CPP_DIR/variants.
import fs from "node:fs";
import path from "node:path";
import {pathToFileURL} from "node:url";

const [installDir, model, P = "64", G = "32", T = "2", R = "3", EXCLUDE = ""] = process.argv.slice(2);
const exclude = EXCLUDE.split(",").map(v => v.trim()).filter(v => v.length > 0).sort();
// any failure as one "Error: ..." line (whittle shows it), not a stack trace
const fail = e => {
  const noBackend = `${e?.name} ${e?.message} ${e?.constructor?.name}`.includes("NoBinaryFoundError")
    ? `: no llama.cpp CPU backend this machine can run${exclude.length > 0 ? " with " + exclude.join(", ") + " excluded" : ""}` : "";
  console.log(`Error: ${noBackend ? "NoBinaryFoundError" + noBackend : e?.message ?? e}`);
  process.exit(1);
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
const dir = exclude.length === 0 ? installDir : withoutVariants(installDir, exclude);
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(path.join(dir, "node_modules", "node-llama-cpp", "dist", "index.js")).href);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const m = await llama.loadModel({modelPath: model});
const cpuVariant = (() => {
  try {
    const found = fs.readFileSync("/proc/self/maps", "utf8").match(/libggml-cpu-([\w-]+)\.so/);
    return found ? found[1] : "unknown";
  } catch {
    return "unknown";
  }
})();
const p = Number(P), g = Number(G), reps = Number(R);
const ctx = await m.createContext({contextSize: p + g + 16, batchSize: Math.max(p, 32), threads: Number(T)});
// node-llama-cpp exposes no vocabulary size on the model; the GGUF token list has it
const vocab = m.fileInfo?.metadata?.tokenizer?.ggml?.tokens?.length ?? 32000;
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const randomToken = () => 3 + Math.floor(rnd() * (Math.min(vocab, 32000) - 3));
const prompt = Array.from({length: p}, randomToken);
const first = p > 0 ? prompt[p - 1] : randomToken();
const pp = [], tg = [];
const seq = ctx.getSequence();
// P = 0 or G = 0 skips that test, as in llama-bench; tg then starts from an empty context
for (let r = 0; r <= reps; r++) {
  await seq.clearHistory();
  let t0 = performance.now();
  if (p > 0) await seq.controlledEvaluate(prompt.map((t, i) => i === p - 1 ? [t, {generateNext: {token: true}}] : t));
  const ppMs = performance.now() - t0;
  let n = 0;
  t0 = performance.now();
  let next = first;
  for (let i = 0; i < g; i++) {
    const out = await seq.controlledEvaluate([[next, {generateNext: {token: true}}]]);
    next = out[0]?.next?.token ?? 3;
    n++;
  }
  const tgMs = performance.now() - t0;
  if (r > 0) {
    if (p > 0) pp.push(p / ppMs * 1000);
    if (g > 0) tg.push(n / tgMs * 1000);
  }
}
const stat = a => { const mean = a.reduce((x, y) => x + y, 0) / a.length; const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, a.length - 1)); return `${mean.toFixed(2)} ± ${sd.toFixed(2)}`; };
const tests = [...(p > 0 ? [`pp${p} ${stat(pp)} tok/s`] : []), ...(g > 0 ? [`tg${g} ${stat(tg)} tok/s`] : [])];
console.log(`llama.cpp ${path.basename(model)} threads=${T}: ${tests.join(", ")}, cpu=${cpuVariant}`);
await m.dispose();
await llama.dispose();

// A node_modules beside the real one where the CPU binaries lack the excluded variants: ggml loads every
// libggml-cpu-*.so in the binding's directory and keeps the best scoring one, so a variant that is absent cannot
// be chosen. node-llama-cpp and the binary package are copied (Node resolves a symlinked package to its real
// place, which would find the full binary set again); every other package is a symlink.
function withoutVariants(root, variants) {
  const target = path.join(root, "variants", "without-" + variants.join("-"));
  if (fs.existsSync(path.join(target, "node_modules", "node-llama-cpp", "package.json"))) return target;
  const real = path.join(root, "node_modules");
  const bins = path.join(real, "@node-llama-cpp", `${process.platform}-${process.arch}`, "bins", `${process.platform}-${process.arch}`);
  const present = fs.existsSync(bins) ? fs.readdirSync(bins).map(f => f.match(/^libggml-cpu-([\w-]+)\.so$/)?.[1]).filter(Boolean) : [];
  for (const v of variants) {
    if (!present.includes(v)) throw new Error(`no llama.cpp CPU variant '${v}' in ${bins} (there: ${present.join(", ")})`);
  }
  fs.mkdirSync(path.dirname(target), {recursive: true});
  const tmp = fs.mkdtempSync(target + ".tmp-");
  const modules = path.join(tmp, "node_modules");
  fs.mkdirSync(modules);
  const dropped = new Set(variants.map(v => `libggml-cpu-${v}.so`));
  const keep = src => !dropped.has(path.basename(src));
  for (const entry of fs.readdirSync(real)) {
    const from = path.join(real, entry), to = path.join(modules, entry);
    if (entry === "node-llama-cpp") fs.cpSync(from, to, {recursive: true, verbatimSymlinks: true});
    else if (entry === "@node-llama-cpp") {
      fs.mkdirSync(to);
      for (const pkg of fs.readdirSync(from)) {
        if (pkg === `${process.platform}-${process.arch}`) { // the CPU-only binaries, which node-llama-cpp loads here
          fs.cpSync(path.join(from, pkg), path.join(to, pkg), {recursive: true, filter: keep});
        } else fs.symlinkSync(path.join(from, pkg), path.join(to, pkg));
      }
    } else fs.symlinkSync(from, to);
  }
  // another run may have finished the same copy meanwhile: keep the first, which may be in use
  const complete = () => fs.existsSync(path.join(target, "node_modules", "node-llama-cpp", "package.json"));
  if (!complete()) {
    fs.rmSync(target, {recursive: true, force: true}); // an incomplete leftover, never a finished copy
    try {
      fs.renameSync(tmp, target);
      return target;
    } catch (e) {
      if (!complete()) throw e;
    }
  }
  fs.rmSync(tmp, {recursive: true, force: true});
  return target;
}
