package dev.whittle.core.quant;

/**
 * The rounding rules and scale searches of ggml's reference quantizers. Every float operation keeps ggml's
 * order and single precision (Java never fuses multiply-adds), which makes the chosen quants bit-identical
 * to ggml built without FMA contraction.
 */
final class QuantMath {
    /** Groups whose largest magnitude is below this are treated as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantMath() {}

    /**
     * ggml's {@code nearest_int}: adding 1.5*2^23 leaves the rounded integer in the low mantissa bits, so
     * rounding is to nearest with ties to even. Meant for |v| < 2^22; larger inputs wrap exactly as in ggml.
     */
    static int nearestInt(float v) {
        float shifted = v + 12582912f;
        return (Float.floatToRawIntBits(shifted) & 0x007FFFFF) - 0x00400000;
    }

    /** C's {@code roundf}: to nearest, ties away from zero (Java's Math.round sends -2.5 to -2). */
    static float roundHalfAway(float v) {
        // In double, |v| + 0.5 is exact for every float where the fraction matters, so floor is exact.
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (float) Math.copySign(r, v);
    }

    /**
     * C's conversion of a float to a small integer type as compiled for x86-64 by ggml's build: a 32-bit
     * truncating conversion (NaN and out-of-range give 0x80000000) whose low 8 bits are kept. It matters only
     * for degenerate blocks (a subnormal scale makes 1/d infinite, or NaN inputs); Java's (int) would
     * saturate instead.
     */
    static int cvtToInt8Bits(float v) {
        int i = (Float.isNaN(v) || v >= 0x1p31f || v < -0x1p31f) ? Integer.MIN_VALUE : (int) v;
        return (byte) i;
    }

    /** C's {@code MAX(a, b)} macro, {@code a > b ? a : b}: unlike Math.max, a NaN in {@code a} is dropped. */
    static float cMax(float a, float b) {
        return a > b ? a : b;
    }

    static float sqrt(float v) {
        return (float) Math.sqrt(v); // double sqrt rounded to float equals sqrtf (no double-rounding error)
    }

    /**
     * ggml's {@code make_qx_quants} without importance weights: symmetric quants L in [0, 2*nmax) (stored with
     * offset nmax) and the scale, searching 18 scales near -nmax/max for the best weighted least-squares fit.
     * rmseType picks the weight: 0 no search, 1 x^2, 2 one, 3 |x|, 4 sqrt|x|; negative returns after one fit.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, int[] L, int lo, int rmseType) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        if (rmseType == 0) {
            for (int i = 0; i < n; i++) {
                int l = nearestInt(iscale * x[xo + i]);
                L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
            }
            return 1 / iscale;
        }
        boolean returnEarly = false;
        if (rmseType < 0) {
            rmseType = -rmseType;
            returnEarly = true;
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xo + i];
            int l = nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l + nmax;
            float w = weight(rmseType, xi);
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        if (returnEarly) return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = weight(rmseType, xi);
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestInt(iscale * x[xo + i]);
                    L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    private static float weight(int rmseType, float x) {
        return switch (rmseType) {
            case 1 -> x * x;
            case 2 -> 1f;
            case 3 -> Math.abs(x);
            default -> sqrt(Math.abs(x));
        };
    }

    /**
     * ggml's {@code make_q3_quants}: symmetric quants in [-nmax, nmax) (returned with offset nmax); with
     * doRmse, up to five passes of coordinate descent on the x^2-weighted error.
     */
    static float makeQ3Quants(int n, int nmax, float[] x, int xo, int[] L, int lo, boolean doRmse) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        if (doRmse) {
            float sumlx = 0;
            float suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                L[lo + i] = l;
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            for (int itry = 0; itry < 5; itry++) {
                int changed = 0;
                for (int i = 0; i < n; i++) {
                    float xi = x[xo + i];
                    float w = xi * xi;
                    int li = L[lo + i];
                    float slx = sumlx - w * xi * li;
                    if (slx > 0) {
                        float sl2 = suml2 - w * li * li;
                        int newL = nearestInt(xi * sl2 / slx);
                        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                        if (newL != li) {
                            slx += w * xi * newL;
                            sl2 += w * newL * newL;
                            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                                L[lo + i] = newL;
                                sumlx = slx;
                                suml2 = sl2;
                                changed++;
                            }
                        }
                    }
                }
                if (changed == 0) break;
            }
            for (int i = 0; i < n; i++) L[lo + i] += nmax;
            return suml2 > 0f ? sumlx / suml2 : 0f;
        }
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * x[xo + i]);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l + nmax;
        }
        return 1 / iscale;
    }

    /**
     * ggml's {@code make_qkx2_quants}: asymmetric quants L in [0, nmax] with x ~ scale*L - min. Starts from the
     * min/max fit, then tries nstep+1 scales (rmin + rdelta*is + nmax)/(max-min), refitting scale and min by
     * weighted least squares and keeping the lowest weighted error (squared, or absolute when useMad).
     * Returns the scale; stores the (non-negative) min to subtract in {@code minOut[mo]}.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, int[] L, int lo,
                                float[] minOut, int mo, int[] laux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            float xi = x[xo + i];
            if (xi < min) min = xi;
            if (xi > max) max = xi;
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            minOut[mo] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * (x[xo + i] - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            minOut[mo] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * (xi - min));
                l = Math.max(0, Math.min(nmax, l));
                laux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[mo] = -min;
        return scale;
    }
}
