"""The tables the demo generator draws from: names, outlets, parties, ministries, offices.

Parties (with their nynorsk forms and usual abbreviations), constituencies, ministries,
agencies, committees and outlets are the real Norwegian ones; people are invented from common
Norwegian names. Numbers (seats per constituency, weights) are plausible proportions for a
demo, not official statistics.
"""

from __future__ import annotations

# People ------------------------------------------------------------------------------------

FIRST_NAMES_FEMALE = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth",
    "Kristin", "Tone", "Silje", "Ingeborg", "Camilla", "Mette", "Hege", "Nora", "Emma",
    "Sofie", "Thea", "Ragnhild", "Gunn", "Åse", "Sølvi", "Gøril", "Rønnaug", "Åshild",
    "Bjørghild", "Torunn", "Synnøve", "Sigrun", "Ellen", "Heidi", "Lene",
    "Trine", "Vibeke", "Guro", "Kjersti", "Siri", "Marte", "Ane", "Maja", "Frøydis",
    "Aslaug", "Tuva", "Vilde", "Hanne", "Karoline", "Mari", "Jorunn", "Målfrid", "Eldbjørg",
    "Renée", "Désirée", "Fatima", "Amina", "Aisha", "Hadia", "Sara", "Zahra", "Linh",
    "Agnieszka", "Ewa", "Anniken", "Jannicke", "Stine", "Lise", "Unni", "Wenche",
)
FIRST_NAMES_MALE = (
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas",
    "Hans", "Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas", "Rune",
    "John", "Anders", "Trond", "Tore", "Jon", "Harald", "Olav", "Magnus", "Håkon", "Øystein",
    "Jørgen", "Kåre", "Ståle", "Pål", "Bård", "Jørn", "Sigbjørn", "Åsmund", "Tor-Bjørn",
    "Gisle", "Eirik", "Sindre", "Vegard", "Espen", "Øyvind", "Sverre", "Trygve", "Audun",
    "Asbjørn", "Dag", "Eivind", "Halvard", "Ivar", "Jens", "Leif", "Nils", "Petter", "Rolf",
    "Sondre", "Steinar", "Torbjørn", "Ulrik", "Vidar", "Yngve", "Mats", "Jonas", "Emil",
    "André", "René", "Ali", "Mohammed", "Ahmed", "Abid", "Amir", "Mehmet", "Tuan", "Piotr",
    "Kristoffer", "Henrik", "Fredrik", "Gaute", "Helge", "Ketil",
)
SURNAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Amundsen", "Rasmussen", "Lunde", "Solheim", "Berge", "Moe",
    "Nygård", "Bakke", "Kristensen", "Fredriksen", "Holm", "Lien", "Hauge", "Christensen",
    "Andresen", "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen",
    "Haugland", "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik",
    "Rønning", "Arnesen", "Antonsen", "Næss", "Vik", "Haug", "Ellingsen", "Thorsen",
    "Edvardsen", "Birkeland", "Isaksen", "Gulbrandsen", "Ruud", "Aasen", "Strøm",
    "Myklebust", "Tangen", "Ødegaard", "Eliassen", "Helland", "Bøe", "Jenssen", "Aune",
    "Mikkelsen", "Tveit", "Brekke", "Abrahamsen", "Madsen", "Ødegård", "Røed", "Bjørnstad",
    "Sæbø", "Løken", "Kvålseth", "Grønli", "Fjørtoft", "Høiby", "Sølvberg", "Skår",
    "Løvaas", "Bråthen", "Åsheim", "Ås", "Aarø", "Østby", "Østerud", "Årdal", "Hægeland",
    "Bræin", "Nærø", "Grøttum", "Bøhler", "Tønnesen", "Jørstad", "Følstad", "Sørli",
    "Kjærvik", "Løvås", "Kåsa", "Fløtten", "Hætta", "Sárá", "Müller", "Krüger", "Grünfeld",
    "Lefèvre", "Nguyen", "Ali", "Ahmed", "Khan", "Hussain", "Iqbal", "Kowalski", "Tran",
    "Wold", "Vold", "Foss", "Nordby", "Brenna", "Hovland", "Rørvik", "Skogen", "Dybvik",
)
# Second given names and double surnames make the names of a large register less repetitive.
MIDDLE_NAMES_FEMALE = ("Marie", "Elisabeth", "Kristin", "Helene", "Louise", "Sofie", "Kari")
MIDDLE_NAMES_MALE = ("Johan", "Andreas", "Kristian", "Magnus", "Emil", "Olav", "Martin")
MIDDLE_SURNAMES = ("Lie", "Berg", "Haugen", "Moe", "Bakke", "Aas", "Strand", "Sæther", "Vik")

# Staff of the party's press office who log the demo interactions (role editor).
DEMO_STAFF = (
    ("Ingrid Sæther", "ingrid.saether@example.org"),
    ("Magnus Ødegård", "magnus.odegard@example.org"),
    ("Sofie Lindstrøm", "sofie.lindstrom@example.org"),
    ("Håkon Bjerke", "hakon.bjerke@example.org"),
    ("Amina Haugen", "amina.haugen@example.org"),
)

# Places -----------------------------------------------------------------------------------

REGIONS = ("Oslo", "Akershus", "Østfold", "Buskerud", "Innlandet", "Vestfold", "Telemark",
           "Agder", "Rogaland", "Vestland", "Møre og Romsdal", "Trøndelag", "Nordland",
           "Troms", "Finnmark")

# The 19 constituencies (valgdistrikt), a seat weight each, and today's county.
CONSTITUENCIES = (
    ("Østfold", 9, "Østfold"), ("Akershus", 20, "Akershus"), ("Oslo", 20, "Oslo"),
    ("Hedmark", 7, "Innlandet"), ("Oppland", 6, "Innlandet"), ("Buskerud", 9, "Buskerud"),
    ("Vestfold", 7, "Vestfold"), ("Telemark", 6, "Telemark"), ("Aust-Agder", 4, "Agder"),
    ("Vest-Agder", 6, "Agder"), ("Rogaland", 14, "Rogaland"), ("Hordaland", 16, "Vestland"),
    ("Sogn og Fjordane", 4, "Vestland"), ("Møre og Romsdal", 8, "Møre og Romsdal"),
    ("Sør-Trøndelag", 10, "Trøndelag"), ("Nord-Trøndelag", 5, "Trøndelag"),
    ("Nordland", 9, "Nordland"), ("Troms", 6, "Troms"), ("Finnmark", 3, "Finnmark"),
)

# Municipality, county, e-mail domain of the municipality.
MUNICIPALITIES = (
    ("Oslo", "Oslo", "oslo.kommune.no"), ("Bergen", "Vestland", "bergen.kommune.no"),
    ("Trondheim", "Trøndelag", "trondheim.kommune.no"),
    ("Stavanger", "Rogaland", "stavanger.kommune.no"),
    ("Bærum", "Akershus", "baerum.kommune.no"),
    ("Kristiansand", "Agder", "kristiansand.kommune.no"),
    ("Drammen", "Buskerud", "drammen.kommune.no"), ("Asker", "Akershus", "asker.kommune.no"),
    ("Lillestrøm", "Akershus", "lillestrom.kommune.no"),
    ("Fredrikstad", "Østfold", "fredrikstad.kommune.no"),
    ("Sandnes", "Rogaland", "sandnes.kommune.no"), ("Tromsø", "Troms", "tromso.kommune.no"),
    ("Ålesund", "Møre og Romsdal", "alesund.kommune.no"),
    ("Sandefjord", "Vestfold", "sandefjord.kommune.no"),
    ("Nordre Follo", "Akershus", "nfk.no"), ("Sarpsborg", "Østfold", "sarpsborg.com"),
    ("Tønsberg", "Vestfold", "tonsberg.kommune.no"), ("Skien", "Telemark", "skien.kommune.no"),
    ("Bodø", "Nordland", "bodo.kommune.no"), ("Larvik", "Vestfold", "larvik.kommune.no"),
    ("Arendal", "Agder", "arendal.kommune.no"), ("Hamar", "Innlandet", "hamar.kommune.no"),
    ("Lillehammer", "Innlandet", "lillehammer.kommune.no"),
    ("Gjøvik", "Innlandet", "gjovik.kommune.no"), ("Molde", "Møre og Romsdal", "molde.kommune.no"),
    ("Haugesund", "Rogaland", "haugesund.kommune.no"),
    ("Harstad", "Troms", "harstad.kommune.no"), ("Alta", "Finnmark", "alta.kommune.no"),
    ("Hammerfest", "Finnmark", "hammerfest.kommune.no"),
    ("Vadsø", "Finnmark", "vadso.kommune.no"), ("Kautokeino", "Finnmark", "kautokeino.kommune.no"),
    ("Førde", "Vestland", "forde.kommune.no"), ("Voss", "Vestland", "voss.kommune.no"),
    ("Stord", "Vestland", "stord.kommune.no"), ("Steinkjer", "Trøndelag", "steinkjer.kommune.no"),
    ("Levanger", "Trøndelag", "levanger.kommune.no"),
    ("Namsos", "Trøndelag", "namsos.kommune.no"), ("Mo i Rana", "Nordland", "rana.kommune.no"),
    ("Narvik", "Nordland", "narvik.kommune.no"),
    ("Vågan", "Nordland", "vagan.kommune.no"), ("Kongsberg", "Buskerud", "kongsberg.kommune.no"),
    ("Ringerike", "Buskerud", "ringerike.kommune.no"),
    ("Halden", "Østfold", "halden.kommune.no"), ("Moss", "Østfold", "moss.kommune.no"),
    ("Notodden", "Telemark", "notodden.kommune.no"), ("Grimstad", "Agder", "grimstad.kommune.no"),
    ("Flekkefjord", "Agder", "flekkefjord.kommune.no"),
    ("Eigersund", "Rogaland", "eigersund.kommune.no"),
    ("Kristiansund", "Møre og Romsdal", "kristiansund.kommune.no"),
    ("Ørsta", "Møre og Romsdal", "orsta.kommune.no"),
    ("Elverum", "Innlandet", "elverum.kommune.no"),
    ("Røros", "Trøndelag", "roros.kommune.no"), ("Senja", "Troms", "senja.kommune.no"),
    ("Sør-Varanger", "Finnmark", "svk.no"),
)

# Organisations ------------------------------------------------------------------------------

# Outlet, e-mail domain, region, weight (share of journalists), share writing nynorsk,
# national (True) or regional/local (False), postal address.
OUTLETS = (
    ("NRK", "nrk.no", "Oslo", 14, 0.30, True, "Bjørnstjerne Bjørnsons plass 1, 0340 Oslo"),
    ("TV 2", "tv2.no", "Vestland", 7, 0.10, True, "Nøstegaten 72, 5011 Bergen"),
    ("VG", "vg.no", "Oslo", 8, 0.0, True, "Akersgata 55, 0180 Oslo"),
    ("Dagbladet", "dagbladet.no", "Oslo", 5, 0.0, True, "Karvesvingen 1, 0579 Oslo"),
    ("Aftenposten", "aftenposten.no", "Oslo", 8, 0.0, True, "Akersgata 55, 0180 Oslo"),
    ("Dagens Næringsliv", "dn.no", "Oslo", 4, 0.0, True, "Christian Krohgs gate 16, 0186 Oslo"),
    ("E24", "e24.no", "Oslo", 3, 0.0, True, "Akersgata 55, 0180 Oslo"),
    ("Finansavisen", "finansavisen.no", "Oslo", 2, 0.0, True,
     "Biskop Gunnerus' gate 14, 0185 Oslo"),
    ("Klassekampen", "klassekampen.no", "Oslo", 3, 0.05, True, "Hausmanns gate 21, 0182 Oslo"),
    ("Nationen", "nationen.no", "Oslo", 2, 0.10, True, "Schweigaards gate 34C, 0191 Oslo"),
    ("Vårt Land", "vl.no", "Oslo", 2, 0.05, True, "Akersgata 32, 0180 Oslo"),
    ("Dagsavisen", "dagsavisen.no", "Oslo", 2, 0.0, True, "Hasleveien 10, 0571 Oslo"),
    ("Morgenbladet", "morgenbladet.no", "Oslo", 1, 0.05, True, "Akersgata 34, 0180 Oslo"),
    ("NTB", "ntb.no", "Oslo", 5, 0.05, True, "Akersgata 55, 0180 Oslo"),
    ("Altinget", "altinget.no", "Oslo", 1, 0.05, True, "Akersgata 28, 0158 Oslo"),
    ("Kommunal Rapport", "kommunal-rapport.no", "Oslo", 1, 0.05, True,
     "Haakon VIIs gate 9, 0161 Oslo"),
    ("Dagens Medisin", "dagensmedisin.no", "Oslo", 1, 0.0, True, "Akersgata 20, 0158 Oslo"),
    ("Bergens Tidende", "bt.no", "Vestland", 4, 0.15, False, "Krinkelkroken 1, 5014 Bergen"),
    ("Adresseavisen", "adressa.no", "Trøndelag", 4, 0.0, False,
     "Ferjemannsveien 10, 7014 Trondheim"),
    ("Stavanger Aftenblad", "aftenbladet.no", "Rogaland", 3, 0.0, False,
     "Verksgata 1A, 4013 Stavanger"),
    ("Fædrelandsvennen", "fvn.no", "Agder", 2, 0.0, False,
     "Rådhusgata 2, 4611 Kristiansand"),
    ("Nordlys", "nordlys.no", "Troms", 2, 0.0, False, "Sjøgata 39, 9008 Tromsø"),
    ("iTromsø", "itromso.no", "Troms", 1, 0.0, False, "Storgata 73, 9008 Tromsø"),
    ("Sunnmørsposten", "smp.no", "Møre og Romsdal", 2, 0.25, False,
     "Notenesgata 14, 6002 Ålesund"),
    ("Romerikes Blad", "rb.no", "Akershus", 2, 0.0, False, "Jessheimvegen 6, 2050 Jessheim"),
    ("Drammens Tidende", "dt.no", "Buskerud", 2, 0.0, False, "Grønland 58, 3045 Drammen"),
    ("Budstikka", "budstikka.no", "Akershus", 2, 0.0, False,
     "Brynsveien 2, 1338 Sandvika"),
    ("Avisa Nordland", "an.no", "Nordland", 2, 0.0, False, "Storgata 16, 8006 Bodø"),
    ("Fredriksstad Blad", "f-b.no", "Østfold", 1, 0.0, False,
     "Nygaardsgata 51, 1606 Fredrikstad"),
    ("Tønsbergs Blad", "tb.no", "Vestfold", 1, 0.0, False, "Ollebukta 3, 3126 Tønsberg"),
    ("Varden", "varden.no", "Telemark", 1, 0.0, False, "Kongens gate 6, 3717 Skien"),
    ("Hamar Arbeiderblad", "h-a.no", "Innlandet", 1, 0.0, False,
     "Torggata 36, 2317 Hamar"),
    ("Haugesunds Avis", "h-avis.no", "Rogaland", 1, 0.0, False,
     "Hollendergaten 1, 5525 Haugesund"),
    ("Bergensavisen", "ba.no", "Vestland", 1, 0.05, False, "Kaigaten 1, 5015 Bergen"),
    ("Firda", "firda.no", "Vestland", 1, 0.95, False, "Hafstadvegen 15, 6800 Førde"),
    ("Romsdals Budstikke", "rbnett.no", "Møre og Romsdal", 1, 0.0, False,
     "Fjordgata 4, 6413 Molde"),
    ("Trønder-Avisa", "t-a.no", "Trøndelag", 1, 0.0, False, "Kongens gate 22, 7713 Steinkjer"),
    ("Lofotposten", "lofotposten.no", "Nordland", 1, 0.0, False,
     "Storgata 6, 8301 Svolvær"),
    ("Finnmark Dagblad", "finnmarkdagblad.no", "Finnmark", 1, 0.0, False,
     "Strandgata 1, 9600 Hammerfest"),
    ("Ságat", "sagat.no", "Finnmark", 1, 0.0, False, "Postboks 58, 9711 Lakselv"),
)
# Outlets with offices all over the country: a journalist's region is drawn from REGIONS.
OUTLETS_WITH_DISTRICT_OFFICES = ("NRK", "TV 2", "NTB")
MEDIA_GROUPS = (("Schibsted", "schibsted.com"), ("Amedia", "amedia.no"),
                ("Polaris Media", "polarismedia.no"))

# Name, nynorsk form, abbreviation, web domain.
PARTIES = (
    ("Arbeiderpartiet", "Arbeidarpartiet", "Ap", "arbeiderpartiet.no"),
    ("Høyre", "Høgre", "H", "hoyre.no"),
    ("Fremskrittspartiet", "Framstegspartiet", "FrP", "frp.no"),
    ("Senterpartiet", "Senterpartiet", "Sp", "senterpartiet.no"),
    ("Sosialistisk Venstreparti", "Sosialistisk Venstreparti", "SV", "sv.no"),
    ("Rødt", "Raudt", "R", "roedt.no"),
    ("Venstre", "Venstre", "V", "venstre.no"),
    ("Kristelig Folkeparti", "Kristeleg Folkeparti", "KrF", "krf.no"),
    ("Miljøpartiet De Grønne", "Miljøpartiet Dei Grøne", "MDG", "mdg.no"),
)
# Relative size of each party's parliamentary group (same order as PARTIES).
PARTY_WEIGHTS = (53, 24, 47, 9, 9, 9, 3, 7, 3)
GOVERNMENT_PARTY = "Arbeiderpartiet"

# Ministry, e-mail domain, minister's title.
MINISTRIES = (
    ("Statsministerens kontor", "smk.dep.no", "Statsminister"),
    ("Finansdepartementet", "fin.dep.no", "Finansminister"),
    ("Helse- og omsorgsdepartementet", "hod.dep.no", "Helse- og omsorgsminister"),
    ("Kommunal- og distriktsdepartementet", "kdd.dep.no", "Kommunal- og distriktsminister"),
    ("Justis- og beredskapsdepartementet", "jd.dep.no", "Justis- og beredskapsminister"),
    ("Arbeids- og inkluderingsdepartementet", "aid.dep.no", "Arbeids- og inkluderingsminister"),
    ("Barne- og familiedepartementet", "bfd.dep.no", "Barne- og familieminister"),
    ("Digitaliserings- og forvaltningsdepartementet", "dfd.dep.no",
     "Digitaliserings- og forvaltningsminister"),
    ("Energidepartementet", "ed.dep.no", "Energiminister"),
    ("Forsvarsdepartementet", "fd.dep.no", "Forsvarsminister"),
    ("Klima- og miljødepartementet", "kld.dep.no", "Klima- og miljøminister"),
    ("Kultur- og likestillingsdepartementet", "kud.dep.no", "Kultur- og likestillingsminister"),
    ("Kunnskapsdepartementet", "kd.dep.no", "Kunnskapsminister"),
    ("Landbruks- og matdepartementet", "lmd.dep.no", "Landbruks- og matminister"),
    ("Nærings- og fiskeridepartementet", "nfd.dep.no", "Næringsminister"),
    ("Samferdselsdepartementet", "sd.dep.no", "Samferdselsminister"),
    ("Utenriksdepartementet", "mfa.no", "Utenriksminister"),
)

# Agency, e-mail domain.
AGENCIES = (
    ("Valgdirektoratet", "valg.no"), ("Partilovnemnda", "partilovnemnda.no"),
    ("Datatilsynet", "datatilsynet.no"), ("Statistisk sentralbyrå", "ssb.no"),
    ("Helsedirektoratet", "helsedir.no"), ("Folkehelseinstituttet", "fhi.no"),
    ("Arbeids- og velferdsetaten (Nav)", "nav.no"), ("Skatteetaten", "skatteetaten.no"),
    ("Utdanningsdirektoratet", "udir.no"), ("Miljødirektoratet", "miljodir.no"),
    ("Politidirektoratet", "politiet.no"), ("Statens vegvesen", "vegvesen.no"),
    ("Utlendingsdirektoratet", "udi.no"), ("Statsforvalteren i Vestland", "statsforvalteren.no"),
)

STORTINGET_DOMAIN = "stortinget.no"
STORTINGET_ADDRESS = "Stortinget, Karl Johans gate 22, 0026 Oslo"

COMMITTEES = (
    "Finanskomiteen", "Helse- og omsorgskomiteen", "Arbeids- og sosialkomiteen",
    "Energi- og miljøkomiteen", "Familie- og kulturkomiteen", "Justiskomiteen",
    "Kommunal- og forvaltningskomiteen", "Kontroll- og konstitusjonskomiteen",
    "Næringskomiteen", "Transport- og kommunikasjonskomiteen",
    "Utdannings- og forskningskomiteen", "Utenriks- og forsvarskomiteen",
)

# Titles and beats --------------------------------------------------------------------------

BEATS = ("politikk", "økonomi", "helse", "klima og miljø", "utdanning", "justis", "utenriks",
         "kommune", "distrikt", "kultur")
BEAT_WEIGHTS = (30, 14, 12, 9, 7, 7, 6, 7, 5, 4)
# Title, weight; commentators and editors write about politics.
JOURNALIST_TITLES = (
    ("Journalist", 40), ("Reporter", 18), ("Politisk journalist", 8), ("Kommentator", 5),
    ("Politisk kommentator", 3), ("Politisk redaktør", 2), ("Nyhetssjef", 4),
    ("Vaktsjef", 4), ("Nyhetsredaktør", 2), ("Ansvarlig redaktør", 1),
    ("Programleder", 3), ("Desksjef", 2), ("Stortingskorrespondent", 3),
    ("Featurejournalist", 3), ("Fotojournalist", 2),
)
COMMENTATOR_TITLES = ("Kommentator", "Politisk kommentator", "Politisk redaktør")
NEWS_EDITOR_TITLES = ("Nyhetssjef", "Vaktsjef", "Nyhetsredaktør", "Desksjef")
OFFICIAL_TITLES = (
    ("Seniorrådgiver", 30), ("Rådgiver", 20), ("Kommunikasjonsrådgiver", 14),
    ("Kommunikasjonsdirektør", 4), ("Pressevakt", 5), ("Avdelingsdirektør", 8),
    ("Ekspedisjonssjef", 4), ("Fagdirektør", 6), ("Seksjonssjef", 6), ("Direktør", 2),
)
LOCAL_OFFICES = (
    ("Kommunestyremedlem", 40), ("Bystyremedlem", 10), ("Fylkestingsmedlem", 16),
    ("Varaordfører", 8), ("Gruppeleder", 8), ("Fylkesrådsleder", 1), ("Fylkesordfører", 2),
    ("Politisk rådgiver", 8), ("Byråd", 2), ("Vararepresentant til Stortinget", 5),
)

TAGS = ("viktig", "pressevakt", "nynorsk", "stortinget", "valgkamp", "tv-debatt", "radio",
        "podkast", "sitatsjekk", "sperrefrist ok", "bakgrunn", "lokalvalg", "julekort")

NOTES = (
    "Foretrekker SMS før kl. 09.",
    "Ønsker pressemeldinger på nynorsk.",
    "Dekker Stortinget fast; treffes i vandrehallen.",
    "Vil ha sitatsjekk på e-post, ikke telefon.",
    "Ring sentralbordet ved hastesaker.",
    "Sjelden tilgjengelig mandager.",
    "Deltar gjerne i bakgrunnssamtaler.",
    "Går over i deskjobb fra mars; send til desken da.",
    "Liker korte svar med tall og kilder.",
    "Ønsker ikke invitasjoner til arrangementer.",
    "Treffes best etter morgenmøtet (ca. 09.30).",
    "Kontakt via pressevakt ved helgevakt.",
)
JOURNALIST_SOURCES = ("Byline på {domain}", "Redaksjonens pressekontakter på {domain}",
                      "Visittkort fra pressekonferanse", "Oppgitt i e-post til pressevakt")
POLITICIAN_SOURCES = ("stortinget.no", "regjeringen.no", "Partiets nettsider",
                      "Kommunens nettsider", "Oppgitt på møte")
OFFICIAL_SOURCES = ("regjeringen.no", "Virksomhetens nettsider ({domain})",
                    "Oppgitt i e-post", "Visittkort fra møte")

# Interactions -------------------------------------------------------------------------------

TOPICS = (
    "statsbudsjettet", "strømprisene", "sykehusstrukturen i Helse Nord",
    "ventetider i psykiatrien", "skolematen", "bompengesaken", "formuesskatten",
    "fastlegeordningen", "Nato-toppmøtet", "kommuneøkonomien", "havbruksskatten",
    "barnehageprisene", "politiets beredskap", "jernbanen på Vestlandet",
    "E39 Ålesund–Bergen", "kraftlinjene i Finnmark", "rovdyrpolitikken", "lærermangelen",
    "eldreomsorgen", "boligprisene i Oslo", "vindkraft på land", "fergeprisene",
    "regionreformen", "permitteringsreglene", "jordbruksoppgjøret", "lensmannskontorene",
)
SUBJECTS = {
    "phone": ("Telefon om {topic}", "Samtale om {topic}", "Oppfølging: {topic}"),
    "email": ("E-post om {topic}", "Tall og bakgrunn om {topic}",
              "Spørsmål og svar om {topic}"),
    "meeting": ("Møte om {topic}", "Bakgrunnssamtale om {topic}",
                "Lunsj med redaksjonen om {topic}"),
    "interview": ("Intervju om {topic}", "Sitatsjekk: {topic}", "Direktedebatt om {topic}"),
    "inquiry": ("Pressehenvendelse: {topic}", "Ber om kommentar til {topic}",
                "Spørsmål om {topic}"),
    "statement": ("Uttalelse om {topic}", "Tilsvar om {topic}", "Kommentar til {topic}"),
    "event": ("Pressekonferanse: {topic}", "Frokostmøte om {topic}", "Debattmøte om {topic}"),
    "release": ("Pressemelding: {topic}", "Pressemelding med sperrefrist: {topic}"),
    "pitch": ("Sakstips: {topic}", "Tilbud om intervju om {topic}", "Eksklusivt: {topic}"),
}
KIND_WEIGHTS = (("phone", 26), ("email", 24), ("inquiry", 14), ("interview", 10),
                ("meeting", 9), ("statement", 6), ("event", 5), ("release", 6), ("pitch", 4))
INTERACTION_NOTES = (
    "", "", "Ønsket svar innen kl. 15.", "Avtalt sitatsjekk før publisering.",
    "Bakgrunn, ikke til sitat.", "Priv. til red.: tallene er foreløpige.",
    "Journalisten hadde allerede snakket med departementet.",
    "Vil ha kommentar fra partileder, ikke fra talsperson.",
)
OUTCOMES = ("", "", "Sak publisert.", "Ingen sak.", "Sitat godkjent med små endringer.",
            "Henvist til departementet.", "Ny kontakt avtalt.", "Sendte faktaark.")
FOLLOW_UP_NOTES = ("Sende tallgrunnlag", "Ringe tilbake med svar", "Sjekke sitater",
                   "Sende pressemelding", "Avtale intervju med partileder",
                   "Følge opp tilsvar", "Sende invitasjon til pressekonferanse",
                   "Svare på oppfølgingsspørsmål")
ANSWERS = ("Vi kommenterer ikke saken før budsjettforhandlingene er ferdige.",
           "Sitat sendt: «Dette er en viktig sak for hele landet, og vi vil ta den opp i "
           "Stortinget.»",
           "Svar gitt på telefon av talsperson; sitatsjekk godkjent.",
           "Sendte skriftlig svar med bakgrunnstall.",
           "Henviste til statsrådens svar i spørretimen.")

# Media lists: name, description, selector (interpreted by generate.py), most members.
MEDIA_LISTS = (
    ("Helsejournalister", "Journalister som dekker helse.", ("beat", "helse"), 60),
    ("Oslo-pressen", "Journalister i Oslo-redaksjonene.", ("region", "Oslo"), 80),
    ("Politiske kommentatorer", "Kommentatorer og politiske redaktører.",
     ("title", COMMENTATOR_TITLES), 60),
    ("Regionpressen Vestland", "Journalister i Vestland.", ("region", "Vestland"), 60),
    ("Nordnorsk presse", "Nordland, Troms og Finnmark.",
     ("region", ("Nordland", "Troms", "Finnmark")), 60),
    ("Økonomijournalister", "Journalister som dekker økonomi.", ("beat", "økonomi"), 60),
    ("Klima og miljø", "Journalister som dekker klima og miljø.",
     ("beat", "klima og miljø"), 50),
    ("Nyhetssjefer", "Nyhetssjefer og vaktsjefer: pressemeldinger med sperrefrist.",
     ("title", NEWS_EDITOR_TITLES), 60),
    ("Helse- og omsorgskomiteen", "Stortingsrepresentanter i helse- og omsorgskomiteen.",
     ("committee", "Helse- og omsorgskomiteen"), 40),
)
