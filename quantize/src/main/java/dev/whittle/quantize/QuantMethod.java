package dev.whittle.quantize;

import java.util.Locale;

/** How weights are rounded: plain round-to-nearest, GPTQ (Hessian-aware error feedback) or AWQ (activation-aware scaling). */
public enum QuantMethod {
    RTN, GPTQ, AWQ;

    /** Whether the method needs calibration activations. */
    public boolean calibrated() {
        return this != RTN;
    }

    public static QuantMethod parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "rtn" -> RTN;
            case "gptq" -> GPTQ;
            case "awq" -> AWQ;
            default -> throw new IllegalArgumentException("--method " + s + ": expected rtn, gptq or awq");
        };
    }
}
