-- The telehealth monolith's schema, written the way it grew since 2009: one schema,
-- abbreviated names, status codes as single chars, date and time in separate columns
-- (clinic local time, America/New_York by default), a wide appointments table.
-- Timestamps ending in _ts are UTC wall-clock values in a plain `timestamp`.

CREATE TABLE pt (
    pt_id        bigserial    PRIMARY KEY,
    pt_fnm       varchar(40)  NOT NULL,
    pt_lnm       varchar(40)  NOT NULL,
    pt_dob       date,
    pt_st        char(2)      NOT NULL,              -- US state of residence: the jurisdiction
    pt_email     varchar(120),
    pt_phn       varchar(20),
    pt_addr1     varchar(80),
    pt_city      varchar(40),
    pt_zip       varchar(10),
    pt_stat      char(1)      NOT NULL DEFAULT 'A',  -- A active, I inactive
    lst_appt_dt  date,
    crt_ts       timestamp    NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    upd_ts       timestamp
);

CREATE TABLE phys (
    phys_id    bigserial   PRIMARY KEY,
    phys_fnm   varchar(40) NOT NULL,
    phys_lnm   varchar(40) NOT NULL,
    phys_npi   char(10)    NOT NULL UNIQUE,
    phys_spec  varchar(40),
    phys_stat  char(1)     NOT NULL DEFAULT 'A',    -- A active, I inactive
    crt_ts     timestamp   NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    upd_ts     timestamp
);

-- One row per physician and state; revoked licences stay (lic_stat 'R').
CREATE TABLE phys_lic (
    lic_id      bigserial   PRIMARY KEY,
    phys_id     bigint      NOT NULL REFERENCES phys (phys_id),
    lic_st      char(2)     NOT NULL,
    lic_no      varchar(20) NOT NULL,
    lic_exp_dt  date        NOT NULL,
    lic_stat    char(1)     NOT NULL DEFAULT 'A',   -- A active, R revoked
    crt_ts      timestamp   NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    upd_ts      timestamp,
    UNIQUE (phys_id, lic_st)
);

CREATE TABLE appt (
    appt_id         bigserial    PRIMARY KEY,
    pt_id           bigint       NOT NULL REFERENCES pt (pt_id),
    phys_id         bigint       NOT NULL REFERENCES phys (phys_id),
    appt_dt         date         NOT NULL,              -- clinic local date
    appt_tm         time         NOT NULL,              -- clinic local start time
    appt_dur_min    smallint     NOT NULL DEFAULT 30,
    appt_stat       char(1)      NOT NULL DEFAULT 'B',  -- B booked, C cancelled, D done, N no-show
    appt_typ        char(1)      NOT NULL DEFAULT 'V',  -- V video, O office
    appt_rsn        varchar(200),
    appt_notes      text,
    cxl_rsn         varchar(200),
    cxl_ts          timestamp,
    rschd_cnt       smallint     NOT NULL DEFAULT 0,
    orig_appt_dt    date,
    orig_appt_tm    time,
    bill_cd         varchar(10),
    ins_plan_cd     varchar(20),
    copay_amt       numeric(8, 2),
    rmndr_sent_flg  char(1)      NOT NULL DEFAULT 'N',
    chk_in_ts       timestamp,
    room_no         varchar(10),
    crt_ts          timestamp    NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    crt_usr         varchar(30)  NOT NULL DEFAULT 'web',
    upd_ts          timestamp,
    upd_usr         varchar(30)
);
CREATE INDEX appt_phys_ix ON appt (phys_id);
CREATE INDEX appt_pt_ix ON appt (pt_id);

-- Every change of an appointment, written by the application (not a trigger).
CREATE TABLE appt_hist (
    hist_id   bigserial   PRIMARY KEY,
    appt_id   bigint      NOT NULL,
    chg_typ   char(1)     NOT NULL,                 -- B booked, R rescheduled, C cancelled
    chg_ts    timestamp   NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    chg_usr   varchar(30) NOT NULL DEFAULT 'web'
);

CREATE TABLE rx (
    rx_id       bigserial   PRIMARY KEY,
    pt_id       bigint      NOT NULL REFERENCES pt (pt_id),
    phys_id     bigint      NOT NULL REFERENCES phys (phys_id),
    appt_id     bigint      NOT NULL REFERENCES appt (appt_id),
    rx_drug     varchar(80) NOT NULL,
    rx_dose     varchar(40) NOT NULL,
    rx_qty      integer     NOT NULL DEFAULT 30,
    rx_refills  smallint    NOT NULL DEFAULT 0,
    rx_stat     char(1)     NOT NULL DEFAULT 'A',   -- A active, X cancelled
    rx_dt       date        NOT NULL,
    crt_ts      timestamp   NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX rx_pt_ix ON rx (pt_id);

CREATE TABLE usr (
    usr_id      bigserial    PRIMARY KEY,
    usr_nm      varchar(40)  NOT NULL UNIQUE,
    pwd_hash    varchar(200) NOT NULL,              -- pbkdf2-sha256$iterations$salt$hash
    usr_typ     char(1)      NOT NULL,              -- P patient, D doctor
    pt_id       bigint       REFERENCES pt (pt_id),
    phys_id     bigint       REFERENCES phys (phys_id),
    lst_lgn_ts  timestamp,
    fail_cnt    smallint     NOT NULL DEFAULT 0,
    crt_ts      timestamp    NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE lgn_sess (
    sess_tok    varchar(64) PRIMARY KEY,
    usr_id      bigint      NOT NULL REFERENCES usr (usr_id),
    crt_ts      timestamp   NOT NULL,
    exp_ts      timestamp   NOT NULL,
    lst_acc_ts  timestamp
);

CREATE TABLE vid_rm (
    rm_id    bigserial  PRIMARY KEY,
    appt_id  bigint     NOT NULL UNIQUE REFERENCES appt (appt_id),
    rm_stat  char(1)    NOT NULL DEFAULT 'O',       -- O open, E ended
    crt_ts   timestamp  NOT NULL,
    end_ts   timestamp
);

CREATE TABLE vid_tok (
    tok_cd    varchar(64) PRIMARY KEY,
    rm_id     bigint      NOT NULL REFERENCES vid_rm (rm_id),
    tok_role  char(1)     NOT NULL,                 -- P patient, D doctor
    exp_ts    timestamp   NOT NULL,
    crt_ts    timestamp   NOT NULL
);
