package dev.strangler.sample.monolith;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic made-up telehealth data: the same spec always yields the same rows. Names are
 * built from syllables, emails use the reserved {@code example.test} domain, phone numbers the
 * fictional 555 exchange: nothing here is a real person.
 */
public final class SampleData {

    /** States patients live in and physicians hold licences in. */
    public static final List<String> STATES = List.of(
            "CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "WA", "AZ", "MA");

    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "tas", "vel", "dor", "an", "is", "ul",
        "bra", "ne", "sio", "vo", "zan", "er", "li", "ma", "ot", "qua", "fen", "gri", "hal", "jo"};
    private static final String[] SPECIALTIES = {"family medicine", "internal medicine", "pediatrics",
        "dermatology", "psychiatry", "cardiology", "endocrinology"};
    private static final String[] REASONS = {"follow-up", "new symptoms", "medication review", "lab results",
        "annual check", "second opinion"};
    private static final String[] CITIES = {"Springfield", "Riverton", "Lakeview", "Fairmont", "Oakridge"};

    /** A made-up patient. */
    public record Patient(long id, String firstName, String lastName, LocalDate dateOfBirth, String state,
            String email, String phone, String address, String city, String zip) {
    }

    /** A made-up physician. */
    public record Physician(long id, String firstName, String lastName, String npi, String specialty) {
    }

    /** A physician's licence in one state. */
    public record Licence(long physicianId, String state, String number, LocalDate expiresOn) {
    }

    /** A booked ({@code 'B'}) or cancelled ({@code 'C'}) appointment at a grid slot. */
    public record Appointment(long id, long patientId, long physicianId, LocalDate date, LocalTime time,
            char status, String reason) {
    }

    private final List<Patient> patients;
    private final List<Physician> physicians;
    private final List<Licence> licences;
    private final List<Appointment> appointments;

    private SampleData(List<Patient> patients, List<Physician> physicians, List<Licence> licences,
            List<Appointment> appointments) {
        this.patients = List.copyOf(patients);
        this.physicians = List.copyOf(physicians);
        this.licences = List.copyOf(licences);
        this.appointments = List.copyOf(appointments);
    }

    /** Generates the rows of {@code spec}; ids count up from 1 in each table. */
    public static SampleData generate(SeedSpec spec) {
        SplittableRandom rnd = new SplittableRandom(spec.seed());
        List<Physician> physicians = new ArrayList<>(spec.physicians());
        List<Licence> licences = new ArrayList<>();
        Map<String, List<Long>> licensedIn = new HashMap<>();
        for (long id = 1; id <= spec.physicians(); id++) {
            physicians.add(new Physician(id, name(rnd, 2), name(rnd, 3), String.format("1%09d", id),
                    SPECIALTIES[rnd.nextInt(SPECIALTIES.length)]));
            int count = 1 + rnd.nextInt(3);
            Set<String> held = new HashSet<>();
            while (held.size() < count) {
                held.add(STATES.get(rnd.nextInt(STATES.size())));
            }
            for (String st : STATES) { // STATES order keeps the output independent of HashSet order
                if (held.contains(st)) {
                    licences.add(new Licence(id, st, st + "-" + (100_000 + rnd.nextInt(900_000)),
                            spec.firstDay().plusDays(365 + rnd.nextInt(1500))));
                    licensedIn.computeIfAbsent(st, k -> new ArrayList<>()).add(id);
                }
            }
        }
        List<Patient> patients = new ArrayList<>(spec.patients());
        for (long id = 1; id <= spec.patients(); id++) {
            String first = name(rnd, 2);
            String last = name(rnd, 3);
            patients.add(new Patient(id, first, last, LocalDate.of(1940, 1, 1).plusDays(rnd.nextInt(25_000)),
                    STATES.get(rnd.nextInt(STATES.size())),
                    first.toLowerCase() + "." + last.toLowerCase() + id + "@example.test",
                    String.format("555-%03d-%04d", rnd.nextInt(1000), rnd.nextInt(10_000)),
                    (1 + rnd.nextInt(9999)) + " " + name(rnd, 2) + " St", CITIES[rnd.nextInt(CITIES.length)],
                    String.format("%05d", rnd.nextInt(100_000))));
        }
        return new SampleData(patients, physicians, licences, appointments(spec, rnd, patients, licensedIn));
    }

    private static List<Appointment> appointments(SeedSpec spec, SplittableRandom rnd, List<Patient> patients,
            Map<String, List<Long>> licensedIn) {
        List<Appointment> out = new ArrayList<>();
        Set<Long> taken = new HashSet<>();
        int slots = Slots.SLOTS_PER_DAY;
        for (Patient p : patients) {
            List<Long> doctors = licensedIn.get(p.state());
            if (doctors == null) {
                continue; // nobody is licensed in this state: such patients cannot book
            }
            for (int n = 0; n < spec.appointmentsPerPatient(); n++) {
                long phys = doctors.get(rnd.nextInt(doctors.size()));
                int day = rnd.nextInt(spec.days());
                int slot = rnd.nextInt(slots);
                boolean cancelled = rnd.nextInt(20) == 0;
                for (int tries = 0; tries < slots; tries++, slot = (slot + 1) % slots) {
                    long key = (phys * spec.days() + day) * slots + slot;
                    if (cancelled || taken.add(key)) {
                        out.add(new Appointment(out.size() + 1L, p.id(), phys, spec.firstDay().plusDays(day),
                                Slots.timeOf(slot), cancelled ? 'C' : 'B', REASONS[rnd.nextInt(REASONS.length)]));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static String name(SplittableRandom rnd, int syllables) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < syllables; i++) {
            b.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
        }
        b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
        return b.toString();
    }

    public List<Patient> patients() {
        return patients;
    }

    public List<Physician> physicians() {
        return physicians;
    }

    public List<Licence> licences() {
        return licences;
    }

    public List<Appointment> appointments() {
        return appointments;
    }
}
