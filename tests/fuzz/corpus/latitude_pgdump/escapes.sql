--
-- PostgreSQL database dump
--

SET client_encoding = 'UTF8';

COPY "latitude"."spans" (id, trace_id, workspace_id, "type", started_at, name, message, model) FROM stdin;
00000000000000d1	0123456789abcdef0123456789abcdef	1	prompt	2026-01-15 10:00:00	tab\there\nnewline\\backslash\rcr	\N	
00000000000000d2	0123456789abcdef0123456789abcdef	1	prompt	2026-01-15 10:00:00	octal \101 hex \x42 \b\f\v	\\N	\N
\.

--
-- PostgreSQL database dump complete
--
