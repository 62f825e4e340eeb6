package io.baseimage.myinit;

import java.time.Instant;

/**
 * An {@link Instant} as ISO-8601 UTC text, {@code 2026-12-02T05:30:00.250Z}, exactly as {@link
 * Instant#toString} writes it and {@link Instant#parse} reads it, without {@code java.time.format}:
 * my_init runs interpreted ({@code -Xint}), and the first use of a {@code DateTimeFormatter} costs
 * ~15 ms of class loading and static set-up, at every boot (the state file) and at every {@code
 * my_init --status} probe (docs/benchmarks.md, measure 9). Not even {@code LocalDate}: it asks
 * {@code Year}, whose static parser is such a formatter. The calendar arithmetic is Howard
 * Hinnant's {@code days_from_civil} and {@code civil_from_days}.
 */
final class IsoInstant {
  private IsoInstant() {}

  /** {@code instant} as {@link Instant#toString} writes it, for the years 0 to 9999. */
  static String format(Instant instant) {
    StringBuilder text = new StringBuilder(30);
    appendSeconds(text, instant);
    int nanos = instant.getNano();
    if (nanos > 0) {
      // As ISO_INSTANT: milliseconds, microseconds or nanoseconds, whichever shows them all.
      int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
      String all = Integer.toString(nanos + 1_000_000_000).substring(1);
      text.append('.').append(all, 0, digits);
    }
    return text.append('Z').toString();
  }

  /** {@code instant} to the second, {@code 2026-12-02T05:30:00Z}: for people, in a report. */
  static String formatSeconds(Instant instant) {
    StringBuilder text = new StringBuilder(20);
    appendSeconds(text, instant);
    return text.append('Z').toString();
  }

  /**
   * Reads {@code YYYY-MM-DDTHH:MM:SS[.F...]Z}, the form {@link #format} writes.
   *
   * @throws IllegalArgumentException naming the text if it is not that
   */
  static Instant parse(String text) {
    try {
      if (text.length() < 20
          || text.charAt(4) != '-'
          || text.charAt(7) != '-'
          || text.charAt(10) != 'T'
          || text.charAt(13) != ':'
          || text.charAt(16) != ':'
          || text.charAt(text.length() - 1) != 'Z') {
        throw new IllegalArgumentException();
      }
      int year = number(text, 0, 4);
      int month = number(text, 5, 7);
      int day = number(text, 8, 10);
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
        throw new IllegalArgumentException();
      }
      int hour = number(text, 11, 13);
      int minute = number(text, 14, 16);
      int second = number(text, 17, 19);
      if (hour > 23 || minute > 59 || second > 59) {
        throw new IllegalArgumentException();
      }
      int nanos = 0;
      int end = text.length() - 1;
      if (end > 19) {
        if (text.charAt(19) != '.' || end - 20 < 1 || end - 20 > 9) {
          throw new IllegalArgumentException();
        }
        nanos = number(text, 20, end);
        for (int digits = end - 20; digits < 9; digits++) {
          nanos *= 10;
        }
      }
      return Instant.ofEpochSecond(
          daysFromCivil(year, month, day) * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an ISO-8601 UTC time: '" + text + "'", e);
    }
  }

  private static void appendSeconds(StringBuilder text, Instant instant) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400);
    int ofDay = Math.floorMod(seconds, 86_400);
    // civil_from_days: the proleptic Gregorian date of a day counted from 1970-01-01.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    long month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    pad(text, (int) year, 4).append('-');
    pad(text, (int) month, 2).append('-');
    pad(text, (int) day, 2).append('T');
    pad(text, ofDay / 3_600, 2).append(':');
    pad(text, ofDay / 60 % 60, 2).append(':');
    pad(text, ofDay % 60, 2);
  }

  /** days_from_civil: the day of {@code year-month-day} counted from 1970-01-01. */
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  private static int daysInMonth(int year, int month) {
    if (month == 2) {
      return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  private static StringBuilder pad(StringBuilder text, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    return text.append(digits);
  }

  private static int number(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException();
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
