package dev.strangler.shadow.diff;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import static java.util.Objects.requireNonNull;

/**
 * How to compare the arrays at pointers matching {@code path}.
 *
 * @param path pointer pattern of the array ({@code /appointments}, {@code /*&#47;tags})
 * @param mode INDEX, KEYED or UNORDERED
 * @param key  for KEYED: the field inside each element whose value identifies it
 */
public record ArrayRule(String path, ArrayMode mode, String key) {

    @JsonCreator
    public ArrayRule(@JsonProperty("path") String path, @JsonProperty("mode") ArrayMode mode,
                     @JsonProperty("key") String key) {
        requireNonNull(path, "arrays[].path");
        PointerPattern.parse(path);
        requireNonNull(mode, "arrays[].mode (path " + path + ", expected: INDEX, KEYED or UNORDERED)");
        if (mode == ArrayMode.KEYED && (key == null || key.isBlank())) {
            throw new IllegalArgumentException("arrays[" + path + "].key: missing (expected: the element field to pair by, for mode KEYED)");
        }
        if (mode != ArrayMode.KEYED && key != null) {
            throw new IllegalArgumentException("arrays[" + path + "].key: " + key + " (expected: no key for mode " + mode + ")");
        }
        this.path = path;
        this.mode = mode;
        this.key = key;
    }

    public PointerPattern pattern() {
        return PointerPattern.parse(path);
    }
}
