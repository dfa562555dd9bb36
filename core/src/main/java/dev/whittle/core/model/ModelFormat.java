package dev.whittle.core.model;

/** Where a model came from. */
public enum ModelFormat { GGUF, SAFETENSORS, MEMORY }
