-- 0002 (release 1.1.0): item priority, with a default so 1.0.0 code keeps working.
ALTER TABLE items ADD COLUMN priority integer NOT NULL DEFAULT 0;
