// Prints llama.cpp's raw next-token logits after every prefix of a token sequence, one JSON array per line, so
// tests can hold whittle's GGUF files and engine against llama.cpp itself (through node-llama-cpp's prebuilt
// binaries, installed by scripts/install-llama-cpp.sh).
// usage: node llama-cpp-logits.mjs NODE_LLAMA_CPP_DIR MODEL.gguf ID,ID,...
import path from "node:path";
import {pathToFileURL} from "node:url";

const [dir, model, ids] = process.argv.slice(2);
const entry = path.join(dir, "node_modules", "node-llama-cpp", "dist", "index.js");
const {getLlama, LlamaLogLevel} = await import(pathToFileURL(entry).href);
const tokens = ids.split(",").map(Number);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const m = await llama.loadModel({modelPath: model});
const ctx = await m.createContext({contextSize: Math.max(64, tokens.length + 8), batchSize: tokens.length, threads: 2});
const out = await ctx.getSequence().controlledEvaluate(tokens.map(t => [t, {generateNext: {logits: true}}]));
const vocab = m.tokens.count ?? m.fileInfo?.metadata?.tokenizer?.ggml?.tokens?.length;
for (let i = 0; i < tokens.length; i++) {
  const logits = out[i]?.next?.logits;
  if (!logits) throw new Error("no logits at position " + i);
  const row = new Array(logits.size);
  for (const [t, v] of logits) row[t] = v;
  console.log(JSON.stringify(row));
}
await m.dispose();
await llama.dispose();
