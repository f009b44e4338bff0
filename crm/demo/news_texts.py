"""Headlines and summaries for the demo's synthetic news, as plain data (crm/demo/news.py
fills in the names and places).

(kind, topic, title, summary). Slots in braces: {leader} (our party leader, the demo's prime
minister), {minister}, {mp}, {rival} (another party's MP), {comp} (a competitor party as the
press writes it), {place}, {county}, {outlet}, numbers. A template is only used when the
register has people for all of its slots. Kinds: party, politician (named in the title),
politician_summary (named only in the summary), issue, competitor, rival, nynorsk, other (no
watch term at all), excluded (a trap the matcher leaves alone: "AP-foto", "til høyre",
exclusions) and noise (a false hit to be marked as noise).
"""

from __future__ import annotations

PARTY = (
    ("party", "helse", "Ap vil doble bevilgningen til lokalsykehusene",
     "Arbeiderpartiet foreslår {big} millioner kroner ekstra til akuttberedskap ved "
     "lokalsykehusene. – Folk skal være trygge uansett hvor de bor, sier {mp}."),
    ("party", "politikk", "Ny måling: Arbeiderpartiet går fram",
     "En ny måling for {outlet} gir Arbeiderpartiet {pct} prosent oppslutning, opp {delta} "
     "poeng fra forrige måned. Høyre går tilbake."),
    ("party", "politikk", "Arbeiderpartiet faller på ny måling",
     "Arbeiderpartiet får {pct} prosent i en ny måling for {outlet}, ned {delta} poeng. "
     "{comp} er den store vinneren."),
    ("party", "strøm", "Ap-lederen vil forlenge strømstøtten",
     "{leader} vil at strømstøtten skal videreføres gjennom vinteren. – Vi lar ikke folk stå "
     "alene med høye strømregninger, sier Ap-lederen."),
    ("party", "skatt", "Strid i Ap om formuesskatten",
     "Flere fylkeslag i Arbeiderpartiet vil endre formuesskatten før landsmøtet. {mp} fra "
     "{mp_region} mener partiet må lytte til småbedriftene."),
    ("party", "politikk", "Ap og Sp enige om nytt distriktsløft",
     "Arbeiderpartiet og Senterpartiet er enige om å flytte flere statlige arbeidsplasser ut "
     "av Oslo. Høyre kaller det symbolpolitikk."),
    ("party", "helse", "Ap krever svar om ventetidene i psykiatrien",
     "Arbeiderpartiets helsepolitikere vil ha en redegjørelse i Stortinget etter at "
     "ventetidene har økt for tredje år på rad."),
    ("party", "eldre", "Ap lover tusen nye sykehjemsplasser",
     "Arbeiderpartiet vil gi kommunene øremerkede penger til eldreomsorgen. FrP mener "
     "forslaget kommer for sent."),
    ("party", "samferdsel", "Arbeiderpartiet i {place} vil stanse bompengeøkningen",
     "Lokallaget i {place} går mot økte bompenger og får støtte fra stortingsrepresentant "
     "{mp}."),
    ("party", "skatt", "Ap vil ha skattelette for folk med vanlige inntekter",
     "Arbeiderpartiet foreslår å senke skatten for inntekter under 750 000 kroner. "
     "Finansieringen skal komme fra de største formuene."),
    ("party", "politikk", "Medlemsflukt fra Ap i {county}",
     "Arbeiderpartiet i {county} har mistet {n}0 medlemmer siden nyttår. Fylkeslederen mener "
     "nedgangen vil snu før valget."),
    ("party", "utdanning", "Slik vil Ap løse lærermangelen",
     "Arbeiderpartiet vil slette studielånet for lærere som jobber fem år i distriktene. "
     "Forslaget får støtte fra Utdanningsforbundet."),
    ("party", "politikk", "Ap-topp vil ha egen ungdomsgaranti",
     "– Ingen under 25 skal gå uten jobb eller skoleplass i mer enn tre måneder, sier {mp} "
     "(Ap)."),
    ("party", "strøm", "Arbeiderpartiet vil ha norgespris på strøm",
     "Arbeiderpartiet vil la husholdningene kjøpe strøm til fast pris. Kraftbransjen advarer "
     "mot forslaget."),
    ("party", "helse", "Ap: – Fødeavdelingen i {place} skal bestå",
     "Arbeiderpartiet lover å stanse nedleggelsen av fødetilbudet i {place}. Helseforetaket "
     "har allerede vedtatt å samle fødslene ved sykehuset i fylkesbyen."),
)

POLITICIAN = (
    ("politician", "politikk", "{leader}: – Vi må bygge landet sammen",
     "Statsminister {leader_last} åpnet Arbeiderpartiets årsmøte i {county} med en tale om "
     "arbeid, trygghet og fellesskap."),
    ("politician", "helse", "{leader} møtte ordførere om sykehusstrukturen",
     "Statsministeren lovet ordførerne i {county} at ingen lokalsykehus skal miste "
     "akuttfunksjonen uten ny behandling."),
    ("politician", "strøm", "{minister_title_cap} {minister} varsler tiltak mot høye strømpriser",
     "– Vi følger prisene time for time, sier {minister_title} {minister_last}. Opposisjonen "
     "krever handling nå."),
    ("politician", "politikk", "Kritikk mot {minister} etter budsjettlekkasje",
     "Opposisjonen vil ha svar fra {minister_title} {minister_last} etter at deler av "
     "statsbudsjettet ble kjent før framleggelsen."),
    ("politician", "helse", "{mp} (Ap) vil ha gransking av Helse Nord",
     "Stortingsrepresentanten fra {mp_region} mener styret har mistet tilliten etter kutt i "
     "sykehustilbudet."),
    ("politician", "politikk", "{leader} i partilederdebatten: – Høyre vil kutte i velferden",
     "Statsministeren gikk hardt ut mot Høyre i kveldens partilederdebatt. Høyre svarte med å "
     "kritisere skatteøkningene."),
    ("politician", "strøm", "{minister} i spørretimen: – Strømprisene skal ned",
     "{minister_title_cap} {minister_last} fikk mange spørsmål om strømprisene i Stortingets "
     "spørretime onsdag."),
    ("politician", "politikk", "{mp} blir ny parlamentarisk nestleder i Ap",
     "Arbeiderpartiets stortingsgruppe valgte {mp} fra {mp_region} etter en lang diskusjon på "
     "gruppemøtet tirsdag."),
    ("politician", "eldre", "{leader_gen} løfte: Flere hender i eldreomsorgen",
     "Statsministeren lover {n}000 nye stillinger i eldreomsorgen i løpet av fire år."),
)

POLITICIAN_IN_SUMMARY = (
    ("politician_summary", "helse", "Nye tall: Ventetiden på sykehus øker",
     "Pasientene venter i snitt {n} dager lenger enn i fjor. {minister_title_cap} {minister} "
     "sier regjeringen følger utviklingen nøye."),
    ("politician_summary", "strøm", "Strømprisen tredobles i Sør-Norge",
     "Kaldt vær og lite vind presser prisene opp. Statsminister {leader_last} lover at "
     "støtten skal komme raskere fram."),
    ("politician_summary", "samferdsel", "Bompengeopprør i {place}",
     "Over {n}000 har skrevet under mot nye bomstasjoner. {mp} (Ap) lover å ta saken til "
     "Stortinget."),
    ("politician_summary", "politikk", "Dette er de viktigste sakene i statsbudsjettet",
     "Regjeringen legger fram budsjettet torsdag. {leader} har varslet satsing på trygghet og "
     "arbeid."),
    ("politician_summary", "skatt", "Flere gründere vurderer å flytte til Sveits",
     "Næringslivet advarer mot skattenivået. {minister_title_cap} {minister_last} avviser at "
     "skatten driver folk ut av landet."),
)

ISSUE = (
    ("issue", "helse", "Sykehuset i {place} mister fødeavdelingen",
     "Helseforetaket vil samle fødetilbudet i fylket. Ordføreren i {place} reagerer kraftig "
     "og vil kjempe mot vedtaket."),
    ("issue", "strøm", "Strømprisen stiger kraftig før helgen",
     "Prisen i Sør-Norge blir over {n} kroner per kilowattime lørdag. Tørt vær og lite vind "
     "får skylden."),
    ("issue", "samferdsel", "Bompengene øker i {place} fra nyttår",
     "Takstene i bomringen går opp med {pct} prosent. Pendlere må betale flere tusen kroner "
     "mer i året."),
    ("issue", "eldre", "Eldreomsorgen i {place} mangler {n}0 sykepleiere",
     "Kommunen må leie inn vikarer for millioner av kroner. Tillitsvalgte advarer mot "
     "slitasje."),
    ("issue", "skatt", "Rekordmange betaler formuesskatt",
     "Nye tall fra Skatteetaten viser at over {n}00 000 nordmenn betaler formuesskatt i år."),
    ("issue", "helse", "Fastlegekrisen: {n}0 000 uten fastlege i {county}",
     "Kommunene i {county} sliter med å rekruttere leger. Sykehusene merker presset."),
    ("issue", "strøm", "Bedrifter ber om egen strømstøtte",
     "Bedrifter i Sør-Norge ber om hjelp etter flere uker med høye priser. Arbeiderpartiet "
     "vil vente på tall fra Finansdepartementet."),
    ("issue", "eldre", "KS: Kommunene trenger mer penger til eldreomsorg",
     "Kommunesektorens organisasjon krever fem milliarder kroner ekstra. Arbeiderpartiet og "
     "Høyre er uenige om hvor pengene skal komme fra."),
    ("issue", "samferdsel", "Ny bomstasjon stanset etter protester",
     "Fylkestinget i {county} snudde etter store protester mot bompengene på riksveien."),
    ("issue", "skatt", "Flere får restskatt i år",
     "Mange har betalt for lite skatt gjennom året. Restskatten må betales innen fem uker."),
    ("issue", "helse", "Sykehuskø: {n}00 pasienter venter på operasjon i {place}",
     "Sykehuset har ikke nok operasjonssykepleiere. Ventetiden er nå over et halvt år."),
)

COMPETITOR = (
    ("competitor", "strøm", "{comp} krever strakstiltak mot høye strømpriser",
     "– Regjeringen må handle nå, sier {comp_gen} energipolitiske talsperson."),
    ("competitor", "politikk", "{comp} går fram på ny måling",
     "{comp} får {pct} prosent i en ny måling for {outlet}. Arbeiderpartiet går tilbake."),
    ("competitor", "politikk", "{comp} vil stemme mot statsbudsjettet",
     "Budsjettforhandlingene går inn i en avgjørende fase. {comp} sier de ikke kan støtte "
     "budsjettet slik det ligger."),
    ("competitor", "politikk", "Budsjettforhandlingene: {comp} stiller ultimatum",
     "{comp} krever mer penger til {demand} for å bli med på et budsjettforlik."),
    ("competitor", "samferdsel", "{comp_gen} landsmøte vil ha lavere bompenger",
     "Landsmøtet vedtok å gå til valg på kutt i bompengene i de store byene."),
    ("competitor", "helse", "Høyre og FrP vil ha ny sykehusplan",
     "De to partiene fremmer et felles forslag om en ny nasjonal helse- og sykehusplan."),
    ("competitor", "politikk", "Sp truer med å stemme mot regjeringen",
     "Senterpartiet er misfornøyd med forslaget om å samle politiet i færre distrikter."),
    ("competitor", "skatt", "Rødt og SV: – Skatten må opp for de rikeste",
     "De to partiene vil øke formuesskatten og innføre en ny toppskatt på høye inntekter."),
    ("competitor", "klima", "MDG vil stanse all ny oljeleting",
     "Miljøpartiet De Grønne gjør oljeleting til hovedsaken i valgkampen."),
    ("competitor", "eldre", "KrF krever mer til eldreomsorgen",
     "Kristelig Folkeparti vil ha en egen eldreminister og flere sykehjemsplasser."),
    ("competitor", "politikk", "Høyre: – Regjeringen har mistet grepet",
     "Høyre la fram sitt alternative budsjett med skattelette og kutt i bompengene."),
    ("competitor", "samferdsel", "Fremskrittspartiet vil halvere bompengene",
     "FrP vil bruke mer av oljepengene til å kutte bompengene i hele landet."),
)

RIVAL = (
    ("rival", "politikk", "{rival_party_gen} {rival} angriper regjeringen",
     "– Folk merker ikke at regjeringen gjør noe, sier stortingsrepresentant {rival}."),
    ("rival", "helse", "{rival} ({rival_abbr}): – Sykehuskøene er regjeringens ansvar",
     "Opposisjonen vil ha statsministeren til Stortinget for å svare for ventetidene."),
    ("rival", "politikk", "{rival} vil utfordre Arbeiderpartiet i {rival_region}",
     "{rival_party_gen} stortingsrepresentant mener Ap har glemt distriktene."),
)

NYNORSK = (
    ("nynorsk", "helse", "Arbeidarpartiet vil ha fleire sjukepleiarar i {place}",
     "Lokallaget krev at kommunen tilset fleire i eldreomsorga. – Situasjonen er uhaldbar, "
     "seier gruppeleiaren."),
    ("nynorsk", "strøm", "Straumprisen: – Folk må få hjelp no",
     "Arbeidarpartiet på Vestlandet krev at straumstøtta blir auka medan prisane er så høge."),
    ("nynorsk", "helse", "Sjukehuset i {place}: Ap lovar å kjempe for akuttkirurgien",
     "Stortingsrepresentant {mp} seier partiet vil ta saka opp med helseministeren."),
    ("nynorsk", "samferdsel", "{mp} (Ap): – Ferjeprisane må ned",
     "Stortingsrepresentanten meiner ferjeprisane rammar folk og næringsliv langs kysten."),
    ("nynorsk", "politikk", "Høgre vil konkurranseutsetje fleire ferjesamband",
     "Høgre i {county} vil sleppe til private reiarlag. Arbeidarpartiet er imot."),
    ("nynorsk", "samferdsel", "Bompengar: Ny bomring i {place} frå nyttår",
     "Bilistane må betale opptil {n}0 kroner per passering. Framstegspartiet krev "
     "folkerøysting."),
    ("nynorsk", "eldre", "Eldreomsorga i {place} manglar {n}0 tilsette",
     "Kommunen slit med å rekruttere sjukepleiarar og helsefagarbeidarar."),
    ("nynorsk", "politikk", "Framstegspartiet krev lågare drivstoffavgift",
     "– Folk i distrikta har ikkje noko val, dei må køyre bil, seier FrP-toppen."),
    ("nynorsk", "politikk", "Ny måling: Arbeidarpartiet størst i Vestland",
     "Arbeidarpartiet får {pct} prosent, Høgre {pct2} prosent i ei ny måling."),
)

OTHER = (
    ("other", "vær", "Kraftig snøfall skaper trøbbel på Østlandet",
     "Meteorologene varsler opptil 40 centimeter nysnø. Flere busser er innstilt."),
    ("other", "sport", "{club} tapte toppkampen",
     "Tapet betyr at {club} er tre poeng bak serielederen med fire runder igjen."),
    ("other", "økonomi", "Norges Bank holder renten uendret",
     "Sentralbanken varsler at renten trolig blir liggende på dagens nivå ut året."),
    ("other", "kultur", "Rekordsalg av festivalbilletter",
     "Flere festivaler melder om utsolgt allerede før programmet er sluppet."),
    ("other", "natur", "Nordlyset danset over {place}",
     "Mange tok turen ut i kulda for å se det spektakulære lysshowet."),
    ("other", "økonomi", "Elbilsalget satte ny rekord",
     "Ni av ti nye biler som ble solgt forrige måned, var elbiler."),
    ("other", "kultur", "Kongeparet på besøk i {place}",
     "Hundrevis av skolebarn møtte opp da kongeparet kom til {place} tirsdag."),
)

# Each of these appears once: traps the matcher must leave alone ...
EXCLUDED = (
    ("excluded", "trafikk", "Høyre side av E6 stengt ved {place}",
     "Et vogntog har kjørt av veien. Trafikken ledes forbi i venstre kjørefelt."),
    ("excluded", "utenriks", "Orkanen herjer i Florida",
     "Over 200 000 husstander er uten strøm. Bildet viser ødeleggelser i Tampa (AP-foto / NTB)."),
    ("excluded", "utenriks", "Store demonstrasjoner i Paris",
     "Politiet brukte tåregass mot demonstrantene. AP-foto: Lewis Joly / NTB"),
    ("excluded", "lokalt", "Rødt lys for ny idrettshall i {place}",
     "Kommunestyret sa nei til å låne penger til prosjektet."),
    ("excluded", "trafikk", "Ny rundkjøring: Husk å holde til høyre",
     "Vegvesenet minner om vikepliktreglene i den nye rundkjøringen i {place}."),
)
# ... and false hits at a sentence start, marked as noise by the demo (the watch term named).
NOISE = (
    ("noise", "trafikk", "Høyre fil stengt etter ulykke på E18",
     "Trafikken går sakte forbi ulykkesstedet ved {place}. Politiet ber bilistene vise "
     "hensyn.", "Høyre"),
    ("noise", "sport", "Rødt kort og tap for {club}",
     "{club} spilte med ti mann den siste halvtimen.", "Rødt"),
    ("noise", "sport", "Høyre back ble matchvinner for {club}",
     "{club} vant 2–1 etter scoring på overtid.", "Høyre"),
)

# Kind -> (templates, weight) for the randomly drawn stories.
KINDS = {
    "party": (PARTY, 20), "politician": (POLITICIAN, 13),
    "politician_summary": (POLITICIAN_IN_SUMMARY, 7), "issue": (ISSUE, 20),
    "competitor": (COMPETITOR, 15), "rival": (RIVAL, 5), "nynorsk": (NYNORSK, 10),
    "other": (OTHER, 10),
}

# (as written, genitive)
COMPETITOR_FORMS = (("Høyre", "Høyres"), ("FrP", "FrPs"), ("Fremskrittspartiet",
                    "Fremskrittspartiets"), ("Sp", "Sps"), ("Senterpartiet", "Senterpartiets"),
                    ("SV", "SVs"), ("Rødt", "Rødts"), ("KrF", "KrFs"), ("MDG", "MDGs"))
PARTY_SHORT = {"Høyre": ("H", "Høyres"), "Fremskrittspartiet": ("FrP", "FrPs"),
               "Senterpartiet": ("Sp", "Sps"), "Sosialistisk Venstreparti": ("SV", "SVs"),
               "Rødt": ("R", "Rødts"), "Venstre": ("V", "Venstres"),
               "Kristelig Folkeparti": ("KrF", "KrFs"),
               "Miljøpartiet De Grønne": ("MDG", "MDGs")}
DEMANDS = ("sykehusene", "eldreomsorgen", "lavere bompenger", "strømstøtte", "politiet")
CLUBS = ("Rosenborg", "Brann", "Molde", "Bodø/Glimt", "Viking", "Vålerenga", "Lillestrøm",
         "Tromsø IL", "Start", "Aalesund")
