"""The demo's press releases and text snippets, as plain data (crm/demo/releases.py writes them).

Quotes and spokespeople name a role ("leader", "health" ...); releases.py casts a demo
politician of the party for each role. Bodies use the release markup (blank line between
paragraphs, "- " bullets, **bold**, [links](https://...)).
"""

from __future__ import annotations

SNIPPETS = (
    ("Om Arbeiderpartiet (bokmål)", "nb",
     "**Om Arbeiderpartiet**\n"
     "Arbeiderpartiet er et sosialdemokratisk parti, stiftet i 1887. Partiet arbeider for "
     "arbeid til alle, et sterkt fellesskap og små forskjeller mellom folk.\n"
     "Les mer på [arbeiderpartiet.no](https://www.arbeiderpartiet.no)."),
    ("Om Arbeidarpartiet (nynorsk)", "nn",
     "**Om Arbeidarpartiet**\n"
     "Arbeidarpartiet er eit sosialdemokratisk parti, skipa i 1887. Partiet arbeider for "
     "arbeid til alle, eit sterkt fellesskap og små skilnader mellom folk.\n"
     "Les meir på [arbeiderpartiet.no](https://www.arbeiderpartiet.no)."),
    ("About the Labour Party (English)", "en",
     "**About the Norwegian Labour Party**\n"
     "The Norwegian Labour Party (Arbeiderpartiet) is a social democratic party founded in "
     "1887. It works for jobs for everyone, a strong welfare state and small differences.\n"
     "More at [arbeiderpartiet.no](https://www.arbeiderpartiet.no)."),
)

# status: the release's final status. days_ago: when a published release went out.
# first: an earlier wording saved as version 1 (the versions page then has a diff to show).
RELEASES = (
    {
        "status": "published", "language": "nb", "days_ago": 18,
        "title": "Arbeiderpartiet vil sikre akuttberedskapen ved lokalsykehusene",
        "lead": "Arbeiderpartiet foreslår en egen beredskapspott på 500 millioner kroner, slik "
                "at ingen lokalsykehus mister akuttfunksjonen neste år.",
        "body": "Forslaget fremmes i helse- og omsorgskomiteen i dag. Pengene skal gå til "
                "bemanning, ambulansetjeneste og samarbeid mellom sykehusene og kommunene.\n\n"
                "Forslaget i korte trekk:\n"
                "- 500 millioner kroner til akuttberedskap ved lokalsykehusene\n"
                "- Ingen fødeavdeling legges ned uten ny behandling i Stortinget\n"
                "- Felles ambulanseplanlegging for helseforetak og kommuner\n\n"
                "Forslaget bygger på innspill fra ansatte og tillitsvalgte ved sykehusene i "
                "Helse Nord og Helse Vest.",
        "tags": ["helse"], "quotes": [
            ("health", "Folk skal vite at de får hjelp når det haster, uansett hvor i landet "
                       "de bor. Derfor sikrer vi akuttberedskapen ved lokalsykehusene."),
            ("leader", "Trygghet for helsa er grunnmuren i velferdsstaten. Den skal ikke "
                       "avhenge av postnummeret ditt."),
        ],
        "spokesperson": "health", "lists": ["Helsejournalister", "Nyhetssjefer"],
    },
    {
        "status": "published", "language": "nb", "days_ago": 11,
        "title": "Arbeiderpartiet vil forlenge strømstøtten ut neste år",
        "lead": "Husholdningene skal fortsatt få dekket 90 prosent av strømprisen over 75 øre "
                "per kilowattime. Arbeiderpartiet vil også tilby fastpris som et frivillig "
                "alternativ.",
        "body": "Strømprisene har igjen steget kraftig i Sør-Norge. Arbeiderpartiet foreslår "
                "derfor at strømstøtten videreføres uten avkortning gjennom hele neste år.\n\n"
                "Forslaget koster om lag 9 milliarder kroner og dekkes innenfor rammen av "
                "statsbudsjettet. Partiet vil samtidig be regjeringen utrede en norgespris "
                "på strøm for husholdninger og frivillige organisasjoner.",
        "tags": ["energi", "økonomi"], "quotes": [
            ("finance", "Ingen skal måtte velge mellom mat og strøm. Vi forlenger støtten og "
                        "gir folk forutsigbarhet gjennom vinteren."),
        ],
        "spokesperson": "finance", "lists": ["Økonomijournalister", "Oslo-pressen"],
        "first": {"title": "Strømstøtten forlenges",
                  "lead": "Arbeiderpartiet vil forlenge strømstøtten."},
    },
    {
        "status": "published", "language": "nn", "days_ago": 6,
        "title": "Arbeidarpartiet vil halvere ferjeprisane på Vestlandet",
        "lead": "Arbeidarpartiet foreslår å halvere billettprisane på riksvegferjene frå "
                "1. januar. Pendlarar og næringsliv langs kysten får størst vinst.",
        "body": "Ferjeprisane har auka meir enn prisveksten dei siste ti åra. For mange "
                "familiar og bedrifter på Vestlandet er ferja den einaste vegen til jobb, "
                "skule og marknad.\n\n"
                "Forslaget kostar om lag 600 millionar kroner i året og skal gjelde alle "
                "riksvegsamband. Fylkeskommunane skal få kompensasjon dersom dei gjer det "
                "same på fylkesvegferjene.",
        "tags": ["samferdsel"], "quotes": [
            ("vestland", "Ferja er vegen for folk langs kysten. Det skal ikkje koste meir å bu "
                         "på ei øy enn på fastlandet."),
        ],
        "spokesperson": "vestland", "lists": ["Regionpressen Vestland"],
    },
    {
        "status": "published", "language": "en", "days_ago": 2,
        "title": "Labour proposes a Nordic partnership on offshore wind and grid security",
        "lead": "The Norwegian Labour Party wants the Nordic countries to plan offshore wind, "
                "power cables and the protection of undersea infrastructure together.",
        "body": "The proposal will be presented to the Nordic Council next week. It covers:\n\n"
                "- a joint Nordic plan for offshore wind areas in the North Sea and the "
                "Baltic\n"
                "- shared rules for who pays for new power cables between the countries\n"
                "- closer cooperation on protecting pipelines and cables on the seabed\n\n"
                "Norway exports most of its power surplus to its neighbours; prices in "
                "southern Norway follow the market in Denmark, Sweden and Germany.",
        "tags": ["energi"], "quotes": [
            ("leader", "Energy security is national security. The Nordic countries are "
                       "stronger when we build, own and protect our power grid together."),
        ],
        "spokesperson": "energy", "lists": ["Oslo-pressen", "Politiske kommentatorer"],
    },
    {
        "status": "published", "language": "nb", "days_ago": 4,
        "title": "Ap vil ha tak på bompengene for pendlere",
        "lead": "Ingen pendler skal betale mer enn 1000 kroner i måneden i bompenger, "
                "foreslår Arbeiderpartiet.",
        "body": "Bompengene har økt mer enn lønningene i flere byområder. Et månedstak vil "
                "gjøre hverdagen enklere for dem som må kjøre til jobb.\n\n"
                "Taket skal gjelde alle bomstasjoner i bypakkene og finansieres gjennom "
                "økte statlige bidrag til byvekstavtalene.",
        "tags": ["samferdsel"], "quotes": [
            ("transport", "Folk som må kjøre til jobb, skal ikke straffes for det. Et tak på "
                          "bompengene gir forutsigbarhet for pendlerne."),
        ],
        "spokesperson": "transport", "lists": ["Oslo-pressen", "Nyhetssjefer"],
    },
    {
        "status": "approved", "language": "nb", "embargo": True,
        "title": "Ap vil gi kommunene to milliarder mer til eldreomsorgen",
        "lead": "Arbeiderpartiet foreslår to milliarder kroner mer til kommunene neste år, "
                "øremerket flere fagarbeidere og sykepleiere i eldreomsorgen.",
        "body": "Kommunene melder om stor mangel på sykepleiere og helsefagarbeidere, og "
                "behovet øker når flere blir eldre.\n\n"
                "Pengene skal gå til:\n"
                "- 2500 nye hele stillinger i hjemmetjenesten og på sykehjem\n"
                "- lønnet fagutdanning for assistenter som vil bli helsefagarbeidere\n"
                "- velferdsteknologi som frigjør tid til omsorg",
        "tags": ["eldreomsorg", "helse"], "quotes": [
            ("leader", "Alle skal kunne bli gamle i trygghet. Da må det være nok folk på "
                       "jobb, både på sykehjemmet og i hjemmetjenesten."),
            ("local", "Kommunene har bedt om forutsigbarhet. Nå får de den."),
        ],
        "spokesperson": "leader", "lists": [],
    },
    {
        "status": "in_review", "language": "nb",
        "title": "Arbeiderpartiet vil styrke fastlegeordningen i distriktene",
        "lead": "Arbeiderpartiet vil gi kommuner med fastlegemangel et eget tilskudd til "
                "faste stillinger for leger i spesialisering.",
        "body": "Over 100 000 mennesker står uten fast lege. Mangelen er størst i kommuner "
                "med lang vei til nærmeste sykehus.\n\n"
                "Tilskuddet skal gjøre det mulig å ansette leger i faste stillinger med lønn "
                "i stedet for næringsdrift i starten av karrieren.",
        "tags": ["helse"], "quotes": [
            ("health", "En fast lege å gå til er selve grunnmuren i helsetjenesten. Vi "
                       "sørger for at distriktene ikke blir hengende etter."),
        ],
        "spokesperson": "health", "lists": [],
        "first": {"title": "Ap vil ha flere fastleger i distriktene"},
    },
    {
        "status": "draft", "language": "nb",
        "title": "Ap vil ha lavere skatt for folk med vanlige inntekter",
        "lead": "Utkast: Arbeiderpartiet vil senke skatten for inntekter under 750 000 "
                "kroner og øke bunnfradraget i formuesskatten.",
        "body": "Tallgrunnlag fra Finansdepartementet kommer.\n\n"
                "**Til avklaring:** Skal forslaget presenteres sammen med statsbudsjettet?",
        "tags": ["skatt"], "quotes": [
            ("finance", "Folk med vanlige inntekter skal merke at det lønner seg å jobbe."),
        ],
        "spokesperson": "finance", "lists": [],
        "first": {"title": "Skatteutspill (arbeidstittel)", "lead": "", "body": ""},
    },
    {
        "status": "draft", "language": "nb",
        "title": "Innspill til kommuneproposisjonen",
        "lead": "Utkast til Arbeiderpartiets innspill om kommuneøkonomien.",
        "body": "Stikkord fra gruppemøtet:\n"
                "- frie inntekter\n"
                "- ressurskrevende tjenester\n"
                "- barnevernsreformen",
        "tags": [], "quotes": [], "spokesperson": "local", "lists": [],
    },
    {
        "status": "withdrawn", "language": "nb", "days_ago": 8,
        "title": "Arbeiderpartiet legger fram ny skattepakke for småbedrifter",
        "lead": "Arbeiderpartiet vil halvere arbeidsgiveravgiften for de ti første ansatte i "
                "nye bedrifter.",
        "body": "Meldingen ble trukket tilbake: tallene for provenyvirkningen var ikke "
                "kvalitetssikret av partiets budsjettgruppe.",
        "tags": ["skatt", "økonomi"], "quotes": [
            ("finance", "Små bedrifter skaper de nye jobbene. Vi vil gjøre det lettere å "
                        "ansette den første medarbeideren."),
        ],
        "spokesperson": "finance", "lists": [],
    },
)
