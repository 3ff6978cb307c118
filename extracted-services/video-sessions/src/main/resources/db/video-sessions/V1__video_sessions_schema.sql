-- The extracted video-sessions service's own schema. Room ids start at 10^12 so they never
-- collide with the monolith's vid_rm ids (a sequence from 1).

CREATE TYPE room_status AS ENUM ('OPEN', 'ENDED');
CREATE TYPE participant_role AS ENUM ('patient', 'physician');

CREATE SEQUENCE room_id_seq START WITH 1000000000000 MINVALUE 1000000000000;

CREATE TABLE rooms (
    id              bigint       PRIMARY KEY DEFAULT nextval('room_id_seq'),
    appointment_id  bigint       NOT NULL UNIQUE,
    status          room_status  NOT NULL DEFAULT 'OPEN',
    created_at      timestamptz  NOT NULL,
    ended_at        timestamptz
);
ALTER SEQUENCE room_id_seq OWNED BY rooms.id;

CREATE TABLE join_tokens (
    token       text              PRIMARY KEY,
    room_id     bigint            NOT NULL REFERENCES rooms (id),
    role        participant_role  NOT NULL,
    expires_at  timestamptz       NOT NULL,
    created_at  timestamptz       NOT NULL
);
CREATE INDEX join_tokens_by_expiry ON join_tokens (expires_at);

-- Replica of appointment statuses (from the monolith or the appointments service, by CDC;
-- tests seed it directly): a room may only be opened for a booked appointment.
CREATE TABLE appointment_statuses (
    appointment_id  bigint  PRIMARY KEY,
    status          text    NOT NULL CHECK (status IN ('BOOKED', 'CANCELLED', 'COMPLETED', 'NO_SHOW'))
);
