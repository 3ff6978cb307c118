-- Added after two patients were booked into one slot: at most one booked appointment per
-- physician, date and time. The application also locks the physician row while booking.
CREATE UNIQUE INDEX appt_slot_uq ON appt (phys_id, appt_dt, appt_tm) WHERE appt_stat = 'B';
