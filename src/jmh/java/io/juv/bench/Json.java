package io.juv.bench;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * The reports' JSON, with Jackson: maps, lists, strings, numbers and booleans as the reports build
 * them, indented; a NaN or an infinity (a figure that could not be measured) is written as null,
 * which JSON has, and read back as NaN by {@link #number}.
 */
final class Json {

    private Json() {}

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("juv-report").addSerializer(Double.class, new FiniteOrNull()))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** {@code value} as JSON text, ending in a newline. */
    static String write(Object value) {
        return MAPPER.writeValueAsString(value) + "\n";
    }

    /**
     * Parsed JSON: objects as maps in their order, arrays as lists, numbers as {@link Number}s (read
     * them with {@link #number}); an error in the text is Jackson's unchecked exception.
     */
    static Object parse(String text) {
        return MAPPER.readValue(text, Object.class);
    }

    /** A number from parsed JSON; null (a NaN when written) becomes NaN. */
    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** JSON has no NaN nor infinity: Jackson would write them as strings, or as tokens that are not JSON. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializationContext context) {
            if (value.isNaN() || value.isInfinite()) gen.writeNull();
            else gen.writeNumber(value);
        }
    }
}
