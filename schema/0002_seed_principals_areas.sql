-- Seed: the 14 principals of LGVO with their official SCB codes, and the four areas of
-- responsibility (in force from 2024-01-01) from the joint work plan 2024-2025.

INSERT INTO core.principals (id, slug, name, short_name, name_en, kind, code, sort_order) VALUES
    (1, 'region-ostergotland', 'Region Östergötland', 'Region Östergötland', 'Region Östergötland (the regional authority of Östergötland County)', 'region', '05', 1),
    (2, 'boxholm', 'Boxholms kommun', 'Boxholm', 'Boxholm Municipality', 'municipality', '0560', 2),
    (3, 'finspang', 'Finspångs kommun', 'Finspång', 'Finspång Municipality', 'municipality', '0562', 3),
    (4, 'kinda', 'Kinda kommun', 'Kinda', 'Kinda Municipality', 'municipality', '0513', 4),
    (5, 'linkoping', 'Linköpings kommun', 'Linköping', 'Linköping Municipality', 'municipality', '0580', 5),
    (6, 'mjolby', 'Mjölby kommun', 'Mjölby', 'Mjölby Municipality', 'municipality', '0586', 6),
    (7, 'motala', 'Motala kommun', 'Motala', 'Motala Municipality', 'municipality', '0583', 7),
    (8, 'norrkoping', 'Norrköpings kommun', 'Norrköping', 'Norrköping Municipality', 'municipality', '0581', 8),
    (9, 'soderkoping', 'Söderköpings kommun', 'Söderköping', 'Söderköping Municipality', 'municipality', '0582', 9),
    (10, 'vadstena', 'Vadstena kommun', 'Vadstena', 'Vadstena Municipality', 'municipality', '0584', 10),
    (11, 'valdemarsvik', 'Valdemarsviks kommun', 'Valdemarsvik', 'Valdemarsvik Municipality', 'municipality', '0563', 11),
    (12, 'ydre', 'Ydre kommun', 'Ydre', 'Ydre Municipality', 'municipality', '0512', 12),
    (13, 'atvidaberg', 'Åtvidabergs kommun', 'Åtvidaberg', 'Åtvidaberg Municipality', 'municipality', '0561', 13),
    (14, 'odeshog', 'Ödeshögs kommun', 'Ödeshög', 'Ödeshög Municipality', 'municipality', '0509', 14);

INSERT INTO core.areas (id, slug, name, name_en, sort_order) VALUES
    (1, 'att-aldras', 'Att åldras', 'Ageing', 1),
    (2, 'vaxa-upp', 'Växa upp och mitt i livet', 'Growing up and mid-life', 2),
    (3, 'nara-vard', 'Nära vård och kompetensförsörjning', 'Local/close care and competence supply', 3),
    (4, 'digitalisering', 'Digitalisering', 'Digitalisation', 4);
