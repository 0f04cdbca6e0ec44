-- PostgreSQL database dump
\restrict abc
SET statement_timeout = 0;
CREATE TABLE latitude.spans (id character varying(16) NOT NULL);
COPY latitude.spans (id, trace_id, parent_id, workspace_id, type, started_at, ended_at, duration, tokens_prompt, cost, model, name) FROM stdin;
00000000000000a1	0123456789abcdef0123456789abcdef	\N	1	completion	2026-01-15 10:00:00.5	2026-01-15 10:00:01+01	500	12	99	gpt	x
00000000000000a2	0123456789abcdef0123456789abcdef	00000000000000a1	1	prompt	2026-01-15 10:00:00	\N	\N	\N	\N	\N	bad \777 \x
\.

COPY latitude.other (a) FROM stdin;
1
\.
\unrestrict abc
