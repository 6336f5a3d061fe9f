package io.virtdeck.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/**
 * How pages show times and sizes ({@code ${@formats.time(...)}}): UTC, to the second; memory in MiB or GiB; byte
 * counts in the largest unit that keeps them above 1.
 */
@Component("formats")
public class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    public String memory(Long mib) {
        if (mib == null) {
            return "—";
        }
        if (mib < 1024) {
            return mib + " MiB";
        }
        if (mib % 1024 == 0) {
            return mib / 1024 + " GiB";
        }
        // in tenths, by arithmetic: String.format cost a list page of 25 rows more than its SQL, and wrote the
        // server's locale's decimal comma
        long tenths = Math.round(mib * 10 / 1024.0);
        return tenths / 10 + "." + tenths % 10 + " GiB";
    }

    public String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }
}
