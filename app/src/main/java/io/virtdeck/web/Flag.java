package io.virtdeck.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import io.virtdeck.core.VirtdeckException;

/**
 * A true/false field of a JSON body. Request records read it leniently ({@link Reader}); services check it
 * ({@link #required}) after their permission check, so that a malformed body tells nothing about an object the user
 * may not see or change (403 or 404 comes first, whatever the body).
 */
public final class Flag {

    private Flag() {
    }

    /** The value, or a 400 naming the field and saying what it means. */
    public static boolean required(Boolean value, String field, String meaning) {
        if (value == null) {
            throw VirtdeckException.invalid(field, field + " is required: " + meaning + ".");
        }
        return value;
    }

    /**
     * Reads a JSON true or false; anything else (a string, a number, an object) reads as missing rather than failing
     * the whole body, so that {@link #required} names the field once the permission check has passed.
     */
    public static final class Reader extends ValueDeserializer<Boolean> {

        @Override
        public Boolean deserialize(JsonParser parser, DeserializationContext context) {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                return token == JsonToken.VALUE_TRUE;
            }
            parser.skipChildren();
            return null;
        }
    }
}
