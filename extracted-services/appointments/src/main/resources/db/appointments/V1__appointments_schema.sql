-- The extracted appointments service's own schema: normalised names, one timestamptz per
-- appointment, a PostgreSQL enum for the status, and ids that never collide with the monolith's.

CREATE TYPE appointment_status AS ENUM ('BOOKED', 'CANCELLED', 'COMPLETED', 'NO_SHOW');

-- Ids this service assigns start at 10^12. The monolith's appt ids come from a sequence
-- starting at 1, and rows copied from it by CDC keep their ids, so the ranges never meet.
CREATE SEQUENCE appointment_id_seq START WITH 1000000000000 MINVALUE 1000000000000;

CREATE TABLE appointments (
    id                   bigint              PRIMARY KEY DEFAULT nextval('appointment_id_seq'),
    patient_id           bigint              NOT NULL,
    physician_id         bigint              NOT NULL,
    starts_at            timestamptz         NOT NULL,
    duration_minutes     smallint            NOT NULL DEFAULT 30 CHECK (duration_minutes > 0),
    status               appointment_status  NOT NULL DEFAULT 'BOOKED',
    reason               text,
    cancellation_reason  text,
    cancelled_at         timestamptz,
    reschedule_count     integer             NOT NULL DEFAULT 0,
    created_at           timestamptz         NOT NULL DEFAULT now(),
    updated_at           timestamptz         NOT NULL DEFAULT now()
);
ALTER SEQUENCE appointment_id_seq OWNED BY appointments.id;

-- Booking paths: one booked appointment per physician and start (also what makes a
-- concurrent double booking fail), lists by patient and by physician in API order.
CREATE UNIQUE INDEX appointments_one_booking_per_slot ON appointments (physician_id, starts_at)
    WHERE status = 'BOOKED';
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at, id);
CREATE INDEX appointments_by_physician ON appointments (physician_id, starts_at, id);

-- Replicas of what booking needs from the monolith, kept in sync by CDC (tests seed them
-- directly). No names, birth dates or contact details: the service must not hold that PHI.
-- No foreign keys to them: replication order is not guaranteed across tables.
CREATE TABLE patient_jurisdictions (
    patient_id  bigint   PRIMARY KEY,
    state       char(2)  NOT NULL
);

CREATE TABLE physicians (
    physician_id  bigint  PRIMARY KEY
);

CREATE TABLE physician_licences (
    physician_id  bigint   NOT NULL,
    state         char(2)  NOT NULL,
    expires_on    date     NOT NULL,
    active        boolean  NOT NULL DEFAULT true,
    PRIMARY KEY (physician_id, state)
);
