package dev.whittle.reports;

/** Which way a column improves, for highlighting the best value. */
enum Better {
    LOWER, HIGHER, NONE;

    boolean beats(double a, double b) {
        return switch (this) {
            case LOWER -> a < b;
            case HIGHER -> a > b;
            case NONE -> false;
        };
    }
}
