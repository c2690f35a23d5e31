"""Test harness shared by every app: factories that write through the services (so audit rows exist
just as in production) and a `world` of schools, students and one user per role."""
