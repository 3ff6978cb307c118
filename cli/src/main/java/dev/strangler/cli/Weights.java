package dev.strangler.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Route weights as operators type them ({@code 25%}, {@code 12.5%}, {@code 2500bps}) and as the
 * admin API carries them (basis points, 0..10000; 100 bps = 1%).
 */
public final class Weights {
    /** The accepted forms, quoted in every parse error. */
    public static final String FORMS = "a percentage 0%..100% with at most two decimals (25%, 12.5%, 0.01%)"
            + " or basis points 0bps..10000bps (2500bps)";
    /** {@link #FORMS} escaped for picocli help text (where % starts a format specifier). */
    public static final String FORMS_HELP = "a percentage 0%%..100%% with at most two decimals (25%%, 12.5%%, 0.01%%)"
            + " or basis points 0bps..10000bps (2500bps)";
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Weights() {
    }

    /** Parses {@code 25%}, {@code 12.5%}, {@code 2500bps}; anything else is an {@link IllegalArgumentException}. */
    public static int parseBps(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("%")) {
                BigDecimal percent = new BigDecimal(value.substring(0, value.length() - 1).strip());
                BigDecimal bps = percent.multiply(HUNDRED);
                if (bps.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("weight '" + text + "': finer than one basis point (0.01%)"
                            + " (expected " + FORMS + ")");
                }
                return inRange(bps, text);
            }
            if (value.endsWith("bps")) {
                BigDecimal bps = new BigDecimal(value.substring(0, value.length() - 3).strip());
                if (bps.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("weight '" + text + "': basis points are whole numbers"
                            + " (expected " + FORMS + ")");
                }
                return inRange(bps, text);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight '" + text + "': not a number (expected " + FORMS + ")", e);
        }
        throw new IllegalArgumentException("weight '" + text + "': missing unit % or bps (expected " + FORMS + ")");
    }

    /** {@code 2500 -> "25%"}, {@code 1250 -> "12.5%"}, {@code 1 -> "0.01%"}. */
    public static String format(int bps) {
        return BigDecimal.valueOf(bps).divide(HUNDRED, 2, RoundingMode.UNNECESSARY).stripTrailingZeros()
                .toPlainString() + "%";
    }

    private static int inRange(BigDecimal bps, String text) {
        if (bps.signum() < 0 || bps.compareTo(BigDecimal.valueOf(10_000)) > 0) {
            throw new IllegalArgumentException("weight '" + text + "': out of range (expected " + FORMS + ")");
        }
        return bps.intValueExact();
    }

    /** Picocli converter: a bad weight is a usage error (exit 2) with the accepted forms. */
    public static final class Converter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return parseBps(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
