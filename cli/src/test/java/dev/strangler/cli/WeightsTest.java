package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WeightsTest {

    @Test
    void parsesPercentagesWithUpToTwoDecimals() {
        assertThat(Weights.parseBps("25%")).isEqualTo(2500);
        assertThat(Weights.parseBps("12.5%")).isEqualTo(1250);
        assertThat(Weights.parseBps("0.01%")).isEqualTo(1);
        assertThat(Weights.parseBps("100%")).isEqualTo(10_000);
        assertThat(Weights.parseBps("100.00%")).isEqualTo(10_000);
        assertThat(Weights.parseBps("0%")).isZero();
        assertThat(Weights.parseBps(" 7 % ")).isEqualTo(700);
    }

    @Test
    void parsesBasisPoints() {
        assertThat(Weights.parseBps("2500bps")).isEqualTo(2500);
        assertThat(Weights.parseBps("0bps")).isZero();
        assertThat(Weights.parseBps("10000BPS")).isEqualTo(10_000);
        assertThat(Weights.parseBps("2500.0bps")).isEqualTo(2500);
    }

    @Test
    void rejectsWithTheAcceptedForms() {
        assertThatThrownBy(() -> Weights.parseBps("25")).hasMessage("weight '25': missing unit % or bps (expected "
                + Weights.FORMS + ")");
        assertThatThrownBy(() -> Weights.parseBps("0.005%")).hasMessageContaining("finer than one basis point");
        assertThatThrownBy(() -> Weights.parseBps("100.01%")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Weights.parseBps("-1bps")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Weights.parseBps("1.5bps")).hasMessageContaining("whole numbers");
        assertThatThrownBy(() -> Weights.parseBps("x%")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Weights.parseBps("%")).hasMessageContaining("not a number");
    }

    @Test
    void formatsBasisPointsAsShortestPercentage() {
        assertThat(Weights.format(2500)).isEqualTo("25%");
        assertThat(Weights.format(1250)).isEqualTo("12.5%");
        assertThat(Weights.format(1)).isEqualTo("0.01%");
        assertThat(Weights.format(0)).isEqualTo("0%");
        assertThat(Weights.format(10_000)).isEqualTo("100%");
    }

    @Test
    void formatAndParseRoundTripForEveryWeight() {
        for (int bps = 0; bps <= 10_000; bps++) {
            assertThat(Weights.parseBps(Weights.format(bps))).isEqualTo(bps);
        }
    }
}
