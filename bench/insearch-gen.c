/* insearch-gen - writes a synthetic corpus of further-education inspection
 * reports for benchmarks and load tests.
 *
 *   insearch-gen --reports N --seed S --out DIR [--manifest FILE]
 *                [--gzip-every K] [--md-percent P] [--flat]
 *
 * Every report is drawn from its own random stream, seeded from (seed, index),
 * so report i is the same file whatever N is: a corpus of 500 is the first
 * 500 files of a corpus of 2,000. Providers come from a pool seeded the same
 * way, so a provider keeps its name, URN and type across its inspections, as
 * in the real archive.
 *
 * All text is composed here from templates and word lists written for this
 * project: no sentence of a real report is reproduced. Templates are strings
 * with two kinds of slot: {name} picks from a named list (or a computed value)
 * and [a|b|c] picks one alternative; both nest. A template that starts with
 * "^YYYY " is only used for inspections in or after that year, since real
 * reports only talk about off-the-job training, the Prevent duty, COVID-19 or
 * end-point assessment once those existed.
 *
 * Dependencies: libc and POSIX (gzip output runs the gzip program through a
 * pipe, only when --gzip-every is given).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A report is at most ~40 KB; the cap only stops a template bug from eating
 * memory. */
#define DOC_MAX_BYTES (2u * 1024u * 1024u)
#define EXPAND_MAX_DEPTH 12
/* Chance that a rare ("~") template is accepted when drawn. */
#define RARE_PCT 12
/* ... and a "~~" one (the verb "prevent"). */
#define RARER_PCT 4
#define MAX_REPORTS 10000000u

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, which is plenty for picking words and gives
 * the same stream on every platform. */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static rng_t rng_derive(uint64_t seed, uint64_t stream, uint64_t index)
{
    rng_t r = {seed ^ (stream * 0xD1B54A32D192ED03ull)};
    r.s ^= rng_next(&r) + index * 0xA24BAED4963EE407ull;
    (void)rng_next(&r);
    return r;
}

static unsigned rng_below(rng_t *r, unsigned n)
{
    return n ? (unsigned)(rng_next(r) % n) : 0;
}

static unsigned rng_range(rng_t *r, unsigned lo, unsigned hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static int rng_pct(rng_t *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

#define PICK(r, a) ((a)[rng_below((r), COUNT(a))])

/* ------------------------------------------------------------------ */
/* Growing text buffer with a cap. */

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("insearch-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 65536;
        while (nc < b->len + n + 1)
            nc *= 2;
        if (nc > DOC_MAX_BYTES)
            die("a document grew past %u bytes (template loop?)", DOC_MAX_BYTES);
        char *np = realloc(b->p, nc);
        if (!np)
            die("out of memory");
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_printf(buf_t *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("formatting failed");
    if ((size_t)n >= sizeof tmp)
        n = (int)sizeof tmp - 1;
    buf_add(b, tmp, (size_t)n);
}

/* ------------------------------------------------------------------ */
/* Word lists. */

static const char *const PLACE_A[] = {
    "Ash", "Bar", "Bex", "Black", "Bram", "Brook", "Bur", "Carl", "Chel",
    "Clay", "Cold", "Crag", "Dun", "East", "Elm", "Fair", "Fen", "Glen", "Hal",
    "Hart", "Hazel", "High", "Holm", "Ken", "Kings", "Lang", "Lind", "Long",
    "Mar", "Mill", "Moor", "Nether", "North", "Oak", "Pen", "Red", "Rother",
    "Salt", "Sand", "Shep", "Stan", "Stone", "Thorn", "Wal", "West", "Whit",
    "Wick", "Win", "Wood", "Wyn", "Yar", "Ald", "Bel", "Cran", "Dray", "Ever",
    "Frog", "Gold", "Hen", "Lee",
};
static const char *const PLACE_B[] = {
    "bury", "by", "caster", "combe", "dale", "den", "field", "ford", "gate",
    "ham", "hampton", "hill", "hurst", "ington", "leigh", "ley", "mere",
    "minster", "mouth", "ridge", "stead", "stow", "thorpe", "ton", "well",
    "wick", "worth", "bridge", "brook", "chester", "holme", "marsh",
};
static const char *const REGION[] = {
    "the North West", "the North East", "Yorkshire and the Humber",
    "the East Midlands", "the West Midlands", "the East of England",
    "London", "the South East", "the South West",
};
static const char *const BRAND[] = {
    "Amber", "Arrowpoint", "Beacon", "Bluebell", "Cedar", "Clearway",
    "Cobalt", "Compass", "Copperfield", "Crescent", "Elevate", "Falconer",
    "Fernleaf", "Firstline", "Forwardly", "Granite", "Harbourlight", "Heron",
    "Horizonte", "Ivybridge", "Juniper", "Keystone", "Lantern", "Linnet",
    "Meridian", "Momentum", "Northstar", "Oakleaf", "Orchard", "Osprey",
    "Pathway", "Pioneer", "Quarrybank", "Redwing", "Sapphire", "Skylark",
    "Steadfast", "Tidewater", "Trident", "Unity", "Vantage", "Willowmead",
    "Brightwater", "Evergreen", "Larkspur", "Moorhen", "Silverbirch", "Tamarind",
};
static const char *const SECTOR_WORD[] = {
    "Care", "Construction", "Engineering", "Hair and Beauty", "Digital",
    "Logistics", "Hospitality", "Business", "Health", "Rail", "Motor",
    "Early Years", "Retail", "Dental", "Security", "Facilities",
};
static const char *const FIRST[] = {
    "Aisha", "Alan", "Alison", "Amir", "Andrew", "Angela", "Ben", "Bernadette",
    "Bilal", "Carol", "Catherine", "Chris", "Claire", "Colin", "Darren",
    "Deborah", "Declan", "Denise", "Emma", "Farah", "Fiona", "Gareth", "Gillian",
    "Graham", "Hannah", "Harjit", "Helen", "Ian", "Imran", "Jacqueline", "James",
    "Janet", "Jonathan", "Joy", "Karen", "Kevin", "Lesley", "Lorraine", "Mark",
    "Martin", "Maureen", "Michelle", "Mohammed", "Nadia", "Neil", "Nicola",
    "Olu", "Patrick", "Paul", "Priya", "Rachel", "Rebecca", "Richard", "Robert",
    "Ruth", "Sandra", "Shazia", "Simon", "Sophie", "Stephen", "Steve", "Susan",
    "Tariq", "Tom", "Tracey", "Victoria", "Wendy", "Yvonne", "Zoe", "Kwame",
};
static const char *const SURNAME[] = {
    "Ahmed", "Ainsworth", "Bainbridge", "Baxter", "Bennett", "Bhatti",
    "Blackwood", "Brennan", "Carver", "Chaudhry", "Coates", "Cowell", "Dacre",
    "Delaney", "Doherty", "Ellison", "Fairclough", "Farrow", "Fenton", "Garside",
    "Gill", "Haigh", "Halstead", "Hargreaves", "Hussain", "Iqbal", "Jardine",
    "Kaur", "Kenyon", "Lomax", "Lowther", "McAllister", "Mensah", "Metcalfe",
    "Moorcroft", "Nolan", "Nwosu", "Okafor", "Oldroyd", "Pemberton", "Pickering",
    "Quayle", "Ramsden", "Rashid", "Rigby", "Sadiq", "Scholes", "Sheard",
    "Singh", "Southall", "Stott", "Sutcliffe", "Thackray", "Tillotson",
    "Trevelyan", "Varley", "Wadsworth", "Walmsley", "Whitehead", "Yeadon",
    "Abbott", "Barraclough", "Cardew", "Dunmore", "Etherington", "Forsyth",
    "Grimshaw", "Hepworth", "Illingworth", "Jagger", "Kilburn", "Lumb",
    "Murgatroyd", "Naylor", "Ormerod", "Pollard", "Redfearn", "Sugden",
};
static const char *const STREET[] = {
    "Road", "Street", "Lane", "Avenue", "Way", "Park", "Place", "Drive",
    "Business Park", "Centre", "House", "Terrace",
};
static const char *const EMPLOYER_SUFFIX[] = {
    "Care Homes Ltd", "Motors", "Engineering Ltd", "Dental Practice",
    "Day Nursery", "Hotel", "Construction Ltd", "Foods plc",
    "Housing Association", "Hospitals NHS Trust", "Logistics Ltd",
    "Veterinary Group", "Builders Merchants", "Print and Packaging",
    "Precision Components Ltd", "Leisure Centre", "Garden Centre",
    "Accountants LLP", "Solicitors", "Bus Company", "Water Services",
    "Rail Depot", "Pharmacy", "Aerospace Ltd", "Timber Frames Ltd",
};
static const char *const MONTH[] = {
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
};
static const char *const NUMWORD[] = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
};

/* Provider types: the slug (as the report model spells it), the label as
 * reports print it, and how common it is (weights add up to 100). */
enum {
    PT_GFE, PT_SFC, PT_TERT, PT_LAND, PT_ISC, PT_ILP, PT_EMP, PT_LA, PT_HEI,
    PT_ACAD, PT_DANCE, PT__N
};
static const struct {
    const char *slug, *label, *lower;
    unsigned weight;
} PTYPE[PT__N] = {
    {"general-further-education-college", "General further education college",
     "general further education college", 22},
    {"sixth-form-college", "Sixth form college", "sixth form college", 5},
    {"tertiary-college", "Tertiary college", "tertiary college", 1},
    {"land-based-college", "Specialist further education college",
     "land-based college", 3},
    {"independent-specialist-college", "Independent specialist college",
     "independent specialist college", 3},
    {"independent-learning-provider", "Independent learning provider",
     "independent learning provider", 46},
    {"employer", "Employer", "employer provider", 8},
    {"local-authority", "Local authority", "local authority provider", 8},
    {"higher-education-institution", "Higher education institution",
     "higher education institution", 2},
    {"16-19-academy", "16 to 19 academy", "16 to 19 academy", 1},
    {"dance-and-drama-college", "Dance and drama college",
     "dance and drama college", 1},
};

/* Subjects: name, the sector subject area index (into SSA) and things
 * learners in that subject learn to do (base verb phrases, so templates can
 * say "how to {skill}"). */
static const char *const SSA[] = {
    "Health, public services and care",
    "Science and mathematics",
    "Agriculture, horticulture and animal care",
    "Engineering and manufacturing technologies",
    "Construction, planning and the built environment",
    "Information and communication technology",
    "Retail and commercial enterprise",
    "Leisure, travel and tourism",
    "Arts, media and publishing",
    "Education and training",
    "Preparation for life and work",
    "Business, administration and law",
};
typedef struct {
    const char *name;
    int ssa;
    const char *skills[7];
} subject_t;
static const subject_t SUBJECT[] = {
    {"health and social care", 0, {"support residents with personal care",
     "write accurate care plans", "recognise the signs of sepsis",
     "communicate with people living with dementia",
     "handle medication safely", "maintain dignity and privacy", NULL}},
    {"adult care", 0, {"carry out moving and handling safely",
     "record fluid intake accurately", "promote person-centred care",
     "support individuals with end-of-life care", "follow infection control procedures", NULL}},
    {"early years", 9, {"plan play-based activities for toddlers",
     "observe and assess children's development", "support early language",
     "follow safe sleep practice", "prepare children for the transition to school", NULL}},
    {"dental nursing", 0, {"decontaminate instruments", "chart oral examinations",
     "prepare materials for fillings", "reassure anxious patients", NULL}},
    {"pharmacy services", 0, {"dispense prescriptions accurately",
     "check dosages", "advise customers on over-the-counter medicines",
     "manage controlled drugs records", NULL}},
    {"laboratory science", 1, {"prepare buffer solutions", "calibrate pipettes",
     "carry out titrations accurately", "record results in a laboratory notebook",
     "apply good laboratory practice", NULL}},
    {"engineering", 3, {"interpret technical drawings", "set up and operate a lathe",
     "calculate tolerances", "diagnose faults in hydraulic systems",
     "programme CNC machines", "carry out preventative maintenance", NULL}},
    {"electrical installation", 4, {"install consumer units",
     "carry out safe isolation", "test and inspect circuits",
     "calculate cable sizes", "wire lighting circuits", NULL}},
    {"plumbing", 4, {"install central heating systems", "bend and join copper pipe",
     "commission boilers", "fit bathroom suites", "test gas appliances safely", NULL}},
    {"carpentry and joinery", 4, {"hang doors", "cut roof rafters",
     "make mortise and tenon joints", "set out staircases",
     "use hand and power tools safely", NULL}},
    {"brickwork", 4, {"build cavity walls", "set out corners and reveals",
     "mix mortar to the correct ratio", "lay bricks to line and level", NULL}},
    {"painting and decorating", 4, {"prepare surfaces", "hang wallpaper",
     "apply specialist finishes", "estimate quantities of paint", NULL}},
    {"motor vehicle", 3, {"diagnose engine faults", "replace brake discs and pads",
     "service electric and hybrid vehicles safely", "use diagnostic software",
     "carry out wheel alignment", NULL}},
    {"welding and fabrication", 3, {"weld in the vertical position",
     "read weld symbols", "cut steel plate with plasma equipment",
     "inspect welds for defects", NULL}},
    {"manufacturing", 3, {"apply lean manufacturing techniques",
     "monitor production lines", "carry out quality checks",
     "use statistical process control", NULL}},
    {"food production", 3, {"apply food safety controls", "monitor critical control points",
     "operate filling and packing lines", "carry out hygiene audits", NULL}},
    {"hospitality and catering", 7, {"prepare stocks and sauces", "fillet fish",
     "cost recipes and menus", "manage allergens", "run a busy service",
     "present dishes to a high standard", NULL}},
    {"hairdressing", 6, {"cut and style hair", "carry out colour corrections",
     "consult clients about their requirements", "carry out skin tests",
     "perform restyling cuts", NULL}},
    {"barbering", 6, {"carry out fades", "shave with an open razor",
     "create patterns in hair", "advise clients on aftercare", NULL}},
    {"beauty therapy", 6, {"carry out facial treatments", "apply nail enhancements",
     "perform body massage", "carry out patch tests", NULL}},
    {"retail", 6, {"manage stock rotation", "deal with customer complaints",
     "plan visual merchandising", "analyse sales figures", NULL}},
    {"customer service", 11, {"handle difficult telephone calls",
     "resolve customer complaints", "use customer relationship software",
     "measure customer satisfaction", NULL}},
    {"business administration", 11, {"manage diaries and meetings",
     "prepare spreadsheets and reports", "minute meetings accurately",
     "process invoices", "handle confidential information", NULL}},
    {"accountancy", 11, {"prepare management accounts", "complete bank reconciliations",
     "apply double-entry bookkeeping", "calculate VAT returns",
     "prepare budgets and forecasts", NULL}},
    {"team leading", 11, {"hold difficult conversations with staff",
     "delegate tasks", "plan rotas", "manage team performance",
     "run effective team meetings", NULL}},
    {"management", 11, {"lead change", "manage budgets", "develop business plans",
     "coach team members", "analyse operational data", NULL}},
    {"human resources", 11, {"manage recruitment processes",
     "apply employment law", "handle grievances", "plan workforce development", NULL}},
    {"project management", 11, {"produce Gantt charts", "manage project risks",
     "report to stakeholders", "control project budgets", NULL}},
    {"warehousing and logistics", 6, {"plan delivery routes", "operate forklift trucks safely",
     "manage inventory systems", "load vehicles safely", NULL}},
    {"supply chain", 6, {"negotiate with suppliers", "forecast demand",
     "manage procurement", "analyse transport costs", NULL}},
    {"information technology", 5, {"configure networks", "set up user accounts",
     "troubleshoot hardware faults", "manage cloud services",
     "support users remotely", NULL}},
    {"software development", 5, {"write and test code", "use version control",
     "design databases", "develop web applications", "apply secure coding practices", NULL}},
    {"cyber security", 5, {"identify phishing attempts", "analyse security logs",
     "carry out vulnerability scans", "respond to security incidents", NULL}},
    {"data analysis", 5, {"clean and prepare data sets", "build dashboards",
     "interpret statistical trends", "write database queries", NULL}},
    {"digital marketing", 8, {"plan social media campaigns", "analyse web traffic",
     "write copy for campaigns", "use search engine optimisation", NULL}},
    {"creative media", 8, {"edit video footage", "storyboard short films",
     "record and mix sound", "light a studio set", NULL}},
    {"performing arts", 8, {"develop a character", "perform devised work",
     "warm up safely", "analyse scripts", "audition with confidence", NULL}},
    {"music production", 8, {"record live instruments", "mix and master tracks",
     "use digital audio workstations", "arrange music for performance", NULL}},
    {"visual arts", 8, {"develop ideas through sketchbooks", "print and screen print",
     "work in three dimensions", "research the work of other artists", NULL}},
    {"games design", 5, {"prototype game mechanics", "model 3D assets",
     "script gameplay", "test levels with users", NULL}},
    {"sport and fitness", 7, {"plan training programmes", "carry out fitness assessments",
     "coach team sports", "prevent injuries through correct technique", NULL}},
    {"travel and tourism", 7, {"plan itineraries", "advise customers on destinations",
     "handle bookings", "manage customer expectations", NULL}},
    {"public services", 0, {"work as part of a uniformed team",
     "understand the role of the emergency services", "respond to incidents",
     "apply first aid", NULL}},
    {"horticulture", 2, {"identify plants", "propagate plants from cuttings",
     "maintain sports turf", "prune shrubs and trees", NULL}},
    {"animal care", 2, {"handle animals safely", "monitor animal health",
     "prepare diets for exotic species", "maintain animal enclosures", NULL}},
    {"agriculture", 2, {"operate tractors safely", "manage livestock",
     "calculate fertiliser application rates", "maintain farm machinery", NULL}},
    {"equine studies", 2, {"muck out and groom horses", "tack up safely",
     "recognise signs of lameness", "plan feeding regimes", NULL}},
    {"forestry and arboriculture", 2, {"fell trees safely", "use chainsaws safely",
     "survey tree health", "carry out aerial rescue", NULL}},
    {"rail engineering", 3, {"inspect track", "maintain signalling equipment",
     "follow trackside safety rules", "install overhead line equipment", NULL}},
    {"ESOL", 10, {"read everyday texts", "fill in forms",
     "speak confidently on the telephone", "write short emails", NULL}},
    {"employability", 10, {"write a curriculum vitae", "prepare for job interviews",
     "search for jobs online", "manage money", NULL}},
    {"teaching assistant", 9, {"support pupils with reading", "manage small groups",
     "use phonics approaches", "support pupils with SEND", NULL}},
    {"youth work", 9, {"plan youth sessions", "build trusting relationships with young people",
     "safeguard young people", "evaluate community projects", NULL}},
    {"security operations", 6, {"carry out patrols", "manage conflict",
     "use CCTV systems", "write incident reports", NULL}},
    {"facilities management", 6, {"plan building maintenance", "manage contractors",
     "carry out risk assessments", "oversee cleaning services", NULL}},
    {"fashion and textiles", 8, {"construct garments", "draft patterns",
     "use industrial sewing machines", "select fabrics", NULL}},
    {"large goods vehicle driving", 6, {"carry out vehicle checks",
     "drive economically", "secure loads", "comply with drivers' hours rules", NULL}},
};

/* Named lists used by templates. */
static const char *const L_LEARNERS[] = {
    "learners", "apprentices", "students", "adult learners",
    "16- to 18-year-old learners", "learners with high needs",
    "part-time learners", "trainees", "younger learners", "older apprentices",
};
static const char *const L_STAFF[] = {
    "tutors", "teachers", "assessors", "trainers", "coaches",
    "vocational coaches", "skills coaches", "lecturers", "assessor coaches",
    "training officers", "staff", "trainer assessors", "instructors",
};
static const char *const L_LEADERS[] = {
    "leaders", "senior leaders", "leaders and managers", "managers",
    "senior managers", "directors", "curriculum managers", "leaders",
};
static const char *const L_ADV_POS[] = {
    "effectively", "well", "very well", "thoroughly", "carefully",
    "skilfully", "consistently", "rigorously", "swiftly", "expertly",
    "successfully", "meticulously", "confidently", "purposefully",
    "highly effectively", "sensitively",
};
static const char *const L_AREA[] = {
    "teaching and learning", "apprenticeship provision", "assessment",
    "progress reviews", "English and mathematics provision",
    "the curriculum", "support for learners with high needs",
    "careers guidance", "subcontracted provision", "off-the-job training",
    "the study programme", "safeguarding arrangements",
};
static const char *const L_TECH[] = {
    "sustainability", "net zero", "digital skills", "artificial intelligence",
    "electric vehicles", "heat pumps", "cyber resilience", "automation",
    "renewable energy", "modern methods of construction",
};

/* ------------------------------------------------------------------ */
/* Templates by topic and polarity. */

enum {
    T_LEAD, T_GOV, T_QUAL, T_TEACH, T_ASSESS, T_APPR, T_REVIEW, T_ENGMATH,
    T_SAFE, T_PERS, T_OUTC, T_ATTEND, T_STAFF, T_SEND, T_ADULT, T_SUBCON,
    T_REMOTE, T_CURR, T_EMPL, T__N
};

static const char *const LEAD_POS[] = {
    "{leaders} have a [clear|ambitious|well-considered|compelling] vision to [provide|offer] high-quality [education and training|training] that meets the needs of {learners} and employers in {place} and the surrounding area.",
    "{leaders} [have established|have created|maintain] a culture of high expectations in which {staff} and {learners} [thrive|flourish|do well].",
    "Since the previous inspection, {leaders} have [taken decisive action|acted swiftly|worked purposefully] to [improve|strengthen|raise the quality of] {area}.",
    "{leaders} use [accurate|detailed|timely] management information to [monitor|track|scrutinise] the performance of each [curriculum area|programme|department] {adv}.",
    "{leaders} have invested {money} in [new facilities|specialist resources|industry-standard equipment|a new {subject} centre], which {learners} use {adv}.",
    "{leaders} [work|collaborate] {adv} with [local employers|the local enterprise partnership|the combined authority|regional partners|the local authority] to [shape|plan|design] a curriculum that [meets|responds to] [local|regional] skills [needs|priorities|shortages].",
    "Managers [hold|conduct] [regular|frequent|monthly] performance meetings with {staff} and [challenge|tackle|address] underperformance {adv}.",
    "{leaders} [have|maintain] an accurate understanding of the strengths and weaknesses of the provision[ and act quickly on it|, which they share openly with staff|].",
    "Leaders and managers [promote|champion|model] equality and diversity {adv}, and {learners} [feel|say that they feel] [respected|valued|included].",
    "The [principal|chief executive|managing director] and [the senior team|senior leaders] [communicate|share] a [clear|coherent] strategy {adv} to {staff}, who [understand|support|share] it.",
    "{leaders} have [reorganised|restructured|streamlined] the management of [the curriculum|apprenticeships|the provision] so that [responsibilities are clear|each manager is accountable for quality|staff know who to turn to].",
    "{leaders} have [rightly|sensibly|deliberately] [reduced|stopped offering] [courses|programmes|subcontracted provision] that did not [meet|serve] the needs of {learners} well.",
};
static const char *const LEAD_NEG[] = {
    "{leaders} have been [too slow|slow] to [tackle|address|rectify] [the weaknesses|the areas for improvement] [identified|found] at the previous inspection.",
    "{leaders} do not [have|hold] an accurate [view|understanding|picture] of the quality of [education|training|the provision], [because|as] they [rely too heavily on|place too much trust in] [incomplete|inaccurate|unreliable] data.",
    "{leaders} [place|have placed] too much emphasis on [growth|recruiting new learners|expanding the provision|financial targets] and not enough on the quality of training.",
    "Management information is [unreliable|incomplete|inaccurate|out of date], so {leaders} cannot [monitor|track|identify] the progress of {learners} [with confidence|accurately|in good time].",
    "{leaders} have not [ensured|made sure] that {staff} [receive|have] the [training|support|guidance] they need to [improve|develop] their [teaching|practice|skills].",
    "Actions to improve [the provision|teaching|achievement] have [had little impact|not been effective|not yet led to improvements] [in too many areas|across the curriculum|for {learners}].",
    "{leaders} have [not|failed to] set [clear|measurable|ambitious] targets for improvement[ and do not monitor progress against them|].",
    "~~[Significant|Serious|Ongoing] financial [difficulties|pressures] have prevented {leaders} from [investing|investing sufficiently] in [resources|equipment|facilities|staff development].",
    "[Frequent|Repeated] changes [in|to] the senior leadership team have [hampered|slowed|disrupted] improvement[ since the previous inspection|].",
    "{leaders} do not [communicate|share] [their|a] [strategy|vision|plan] [clearly|effectively] enough, and {staff} are [unsure|uncertain] about [their priorities|what is expected of them].",
};
static const char *const GOV_POS[] = {
    "Governors bring a [wide|broad|valuable] range of [expertise|experience|skills] [from education, business and the public sector|to the board].",
    "Governors [challenge|question] {leaders} [robustly|rigorously|effectively] about [the quality of provision|the progress of {learners}|achievement rates].",
    "[Governors|Board members] [receive|are given] [detailed|accurate|clear] reports [on|about] [the quality of teaching|the progress learners make|achievement|safeguarding] and use them {adv}.",
    "The [board|governing body] has a [clear|well-defined] [strategy|strategic direction] that [aligns with|reflects] [local|regional|national] [priorities|skills needs].",
    "Members of the [board|advisory board|governing body] [visit|attend] [lessons|training sessions|workplaces] to [see|check|understand] the [experience|quality of training] of {learners} for themselves.",
    "[The|An] [advisory board|independent board] [includes|draws on] [employers|experienced educators|safeguarding specialists] who [hold|help hold] leaders to account {adv}.",
};
static const char *const GOV_NEG[] = {
    "Governance [is weak|is ineffective|lacks rigour]. [Governors|Board members] do not [challenge|scrutinise] {leaders} [sufficiently|well enough|robustly].",
    "[Governors|Directors|Board members] [rely|have relied] too much on the information [presented|provided] by {leaders} [and do not check|without checking] its accuracy.",
    "The [board|governing body] [lacks|does not have] [sufficient|the necessary] [expertise|experience] in [education|apprenticeships|safeguarding|quality assurance] to [scrutinise|oversee] the provision effectively.",
    "There is no [independent|external] [scrutiny|oversight] of [the work of senior leaders|leaders' decisions|the quality of training].",
    "Governors [were unaware|have been unaware|were not aware] of the [decline|fall] in achievement rates [until recently|for too long].",
};
static const char *const QUAL_POS[] = {
    "The self-assessment report is [accurate|thorough|evaluative|self-critical] and [draws on|uses|includes] the views of {learners}, employers and {staff}.",
    "The quality improvement plan [contains|sets out] [clear|specific|measurable] actions, and {leaders} [monitor|review] [progress against it|its implementation] [frequently|monthly|every term].",
    "Managers [observe|review] [teaching|training sessions|lessons] [regularly|frequently] and give {staff} [helpful|precise|developmental] feedback that [improves|helps them improve] their practice.",
    "{leaders} [gather|collect|seek] the views of {learners} and employers [through surveys and forums|at regular intervals|frequently] and [act on|respond to] them {adv}.",
    "[Quality assurance|Internal quality assurance] of [assessment|progress reviews|off-the-job training|teaching] is [thorough|rigorous|well established] and has [led to|brought about] [clear|measurable|sustained] improvements.",
};
static const char *const QUAL_NEG[] = {
    "Self-assessment is [overly generous|too positive|insufficiently critical] and does not [identify|recognise] [key|important|several] weaknesses [that inspectors found|identified by inspectors].",
    "The quality improvement plan [lacks|does not contain] [precise|measurable|clear] targets, so {leaders} cannot [judge|measure|evaluate] whether their actions [are working|have had an impact].",
    "Observations of [teaching|training] [focus too much on|concentrate on] what {staff} do rather than on [what|how much] {learners} [learn|have learned].",
    "Quality assurance of [subcontracted provision|assessment|progress reviews|off-the-job training] is [weak|underdeveloped|not thorough enough].",
    "{leaders} do not [use|analyse] [data|feedback from learners and employers] [well enough|effectively|systematically] to [plan|prioritise] improvements.",
    "[Leaders|Managers] [identify|have identified] the right [priorities|areas to improve] but their [actions|plans] [lack urgency|are not followed through|have not been implemented consistently].",
};
static const char *const TEACH_POS[] = {
    "{staff} [are well qualified|have relevant industrial experience|are experts in their fields|have extensive vocational experience] and use their [knowledge|expertise] to [plan|design|teach] [interesting|engaging|challenging|well-structured] [sessions|lessons|activities].",
    "{staff} [plan|sequence|order] [the curriculum|learning|topics] {adv} so that {learners} [build|develop|gain] [knowledge|understanding|skills] [step by step|over time|securely].",
    "In {subject}, {learners} [learn|develop the skills|practise] [how to|to] {skill} [with increasing confidence|to a high standard|accurately|safely].",
    "{staff} [check|test|confirm] {learners}' understanding {adv} [through|using] [skilful questioning|short quizzes|practical demonstrations|regular recap activities] [before moving on to new topics|and correct misconceptions quickly].",
    "{staff} make good use of [realistic|industry-standard|well-equipped] [workshops|salons|kitchens|training rooms|simulation suites] to help {learners} [learn how to|practise how to] {skill}.",
    "{learners} [produce|develop|complete] [work|practical work|written work] of a [high|good|very high] standard [for their level|that meets industry expectations|that exceeds expectations].",
    "{staff} [revisit|return to] [key|important|difficult] [topics|concepts] [regularly|frequently] to help {learners} remember [them|what they have learned] [over the long term|in the future].",
    "{staff} make [effective|skilful] use of [digital technology|online resources|the virtual learning environment|video demonstrations] to [support|extend|reinforce] learning [outside|beyond] [lessons|the classroom].",
    "[Tutors|Teachers] [adapt|tailor|adjust] their teaching [effectively|skilfully|well] to [meet|match] the [needs|abilities|starting points] of [individual learners|each learner|learners with different starting points].",
    "[For example|As an example|In one session], {learners} on the level {lvl} {subject} course [learned|practised|were shown] how to {skill} before [applying|using] this in a [realistic|live|simulated] [task|brief|project].",
    "{staff} [explain|demonstrate|model] [complex|technical|new] [concepts|techniques|procedures] [clearly|patiently|precisely], [using|with] [examples from industry|their own experience|well-chosen examples].",
};
static const char *const TEACH_NEG[] = {
    "In too many [lessons|sessions|training sessions], {staff} do not [plan|structure|sequence] [learning|activities|the curriculum] [well enough|carefully enough|logically], so {learners} [make slow progress|lose interest|do not develop new skills quickly enough].",
    "{staff} [too often|frequently|in a minority of sessions] [set|give|use] [tasks|activities|worksheets] that [are too easy|lack challenge|do not stretch the most able {learners}].",
    "{staff} do not [check|confirm|assess] {learners}' understanding [carefully enough|before moving on|thoroughly], [and as a result|so] [misconceptions persist|learners repeat the same errors|gaps in knowledge remain].",
    "In {subject}, {learners} spend too [long|much time] [copying notes|completing worksheets|working on tasks they can already do] [rather than|instead of] [learning|practising] how to {skill}.",
    "Teaching [in|on] [a minority of|too many] [courses|programmes|subjects] [requires improvement|is not good enough|is weak], [particularly|especially] in {subject}.",
    "{staff} [rely too heavily on|make too much use of] [presentations|online modules|workbooks|self-study materials] and do not explain [concepts|new topics|key terms] [clearly|sufficiently].",
    "[Too few|Not enough] {staff} have [up-to-date|current|recent] [industry|vocational|occupational] experience, [and|so] {learners} [do not learn|are not taught] [current|modern] [practice|techniques|methods].",
    "{learners} [studying|on the level {lvl}] {subject} [course|programme] [do not have|lack] access to [up-to-date|suitable|sufficient] [equipment|resources|specialist facilities], which [limits|restricts] [what|how much] they [can practise|learn].",
};
static const char *const ASSESS_POS[] = {
    "{staff} give {learners} [clear|detailed|constructive|helpful] feedback [that helps them|which helps them|so that they know how] to improve their work.",
    "Assessment [practice|arrangements] [is|are] [rigorous|robust|fair|well organised], and [internal quality assurance|standardisation] is [thorough|effective].",
    "{learners} [know|understand] [what they need to do|the steps they need to take] to [achieve|reach|gain] [high grades|a distinction|their qualification|merit or distinction grades].",
    "^2017 [Assessors|{staff}] prepare {learners} {adv} for [their|the] end-point assessment, [including|through] [mock professional discussions|practice observations|timed practice tests].",
    "[Assessors|{staff}] [use|plan] [workplace|practical] assessments {adv} [so that|and] {learners} [demonstrate|show] [the|] [skills|competence] [they have developed|they need] [at work|in realistic settings].",
};
static const char *const ASSESS_NEG[] = {
    "Feedback on {learners}' [work|written work|assignments] is [too brief|cursory|vague|not detailed enough] and does not [help them to improve|tell them how to improve|tell them what they need to do to improve].",
    "{staff} do not [correct|identify|point out] [spelling, punctuation and grammar|errors in English|mistakes] in {learners}' work, [so|and as a result] [the same errors recur|errors persist].",
    "^2017 Too many {learners} [do not know|are unsure] what [their|the] end-point assessment [involves|will involve] until [late in their programme|close to the end of their apprenticeship].",
    "[Assessment|Assessment practice] [focuses|concentrates] too much on [evidencing|ticking off] [units|criteria|competences] rather than on [developing|extending] {learners}' [knowledge|skills|understanding].",
    "[Too many|A few|Some] {learners} [wait|have waited] [too long|several months] for their [work|assignments|portfolios] to be [marked|assessed|verified].",
};
static const char *const APPR_POS[] = {
    "^2017 Apprentices [receive|benefit from] [their entitlement to|well-planned|high-quality] off-the-job training that [is closely linked|links well] to their [job roles|work|workplace duties].",
    "[Employers|Workplace mentors|Line managers] are [closely|fully|actively] involved in [planning|reviewing|designing] [apprentices' training|the training programme|off-the-job training] and [support|help] apprentices {adv} at work.",
    "Apprentices [develop|gain|acquire] [substantial|new|valuable|relevant] [knowledge, skills and behaviours|skills] that make them [valued|productive|more confident] [members of staff|employees|members of their teams].",
    "Apprentices [quickly|soon|rapidly] [take on|are given] [additional|greater|new] responsibilities at work, [such as|including] being trusted to {skill}.",
    "Many apprentices [gain|achieve|secure] [promotion|permanent employment|a pay rise|additional responsibilities] [as a result of|following] their apprenticeship.",
    "Apprentices on the level {lvl} {subject} [apprenticeship|standard|programme] learn how to {skill} and apply this [knowledge|skill] {adv} in their job roles.",
    "^2017 [Trainers|{staff}] [plan|arrange|organise] off-the-job training [carefully|flexibly|well] around the [needs|shift patterns|work patterns] of employers and apprentices.",
    "^2017 Apprentices [record|log] their off-the-job training [accurately|diligently], and [trainers|{staff}] check [that it is meaningful|its quality|that it adds to their learning].",
    "^2017 Leaders make sure that [the|all] apprenticeship [programmes|standards] [meet|comply with] [the principles and requirements of an apprenticeship|all the requirements of an apprenticeship].",
    "^2017 Leaders recruit only apprentices [who are in job roles that allow|whose jobs allow] them to [develop|demonstrate] [the|all the] [KSBs|knowledge, skills and behaviours] [of|required by] [their|the] [standard|apprenticeship].",
    "^2017 Apprentices [use|apply] the [KSBs|knowledge, skills and behaviours] they [learn|develop] [in off-the-job training|in training sessions] [quickly|confidently|effectively] at work.",
};
static const char *const APPR_NEG[] = {
    "^2017 Too many apprentices do not [receive|get] their [entitlement to|required amount of] off-the-job training.",
    "^2017 [Leaders|Managers] do not make sure that [employers|line managers] [understand|meet] their [responsibility|obligation] to release apprentices for off-the-job training.",
    "~~^2017 [Heavy|High|Increased] workloads [prevent|have prevented|often prevent] apprentices from [completing|attending] their [off-the-job training|scheduled training] [during working hours|on time].",
    "^2017 [Off the job|Off-the-job] training is [not|rarely] [well planned|coordinated|linked] with what apprentices do at work.",
    "[Employers|Line managers|Workplace supervisors] are [not sufficiently|rarely|insufficiently] involved in [planning|reviewing] apprentices' [training|programmes|progress].",
    "Apprentices [do not|rarely] [develop|learn] [substantial|sufficient|enough] new [knowledge|skills|knowledge and skills] beyond what they can already do in their job roles.",
    "[Too many|A high proportion of] apprentices [remain|stay] on [their|the] programme beyond [their|the] planned end date.",
    "[Leaders|Managers] have [enrolled|recruited] [a few|some|too many] apprentices on [programmes|apprenticeships|standards] that do not [match|suit|relate to] their job roles.",
    "Apprentices on the level {lvl} {subject} [apprenticeship|programme] spend too much time [completing|gathering] [portfolio evidence|workbooks|assessment tasks] and [too little|not enough] learning how to {skill}.",
    "^2017 [Leaders|Managers] do not [check|monitor] [whether|that] apprentices [receive|have] the off-the-job training [they are entitled to|they need], and [records|logs] are [incomplete|inaccurate|not checked].",
};
static const char *const REVIEW_POS[] = {
    "{staff} [assess|identify|establish] {learners}' starting points [thoroughly|accurately|carefully] [at the start of their programme|during induction|before they start] and use [this information|the results] to [plan|tailor|individualise] [their|each] programme.",
    "Progress reviews [take place|happen] [regularly|frequently|every few weeks] and [involve|include] [employers|line managers|workplace mentors] {adv}.",
    "[During|In] progress reviews, {staff} [set|agree] [clear|specific|challenging|precise] targets that [help|enable] {learners} to [make rapid progress|catch up|extend their skills|stay on track].",
    "{staff} [track|monitor] {learners}' progress [closely|carefully|meticulously] and [intervene|put support in place] [quickly|promptly|swiftly] when [a learner|an apprentice|anyone] falls behind.",
    "[Staff|{staff}] [use|take account of] [the prior experience|the existing knowledge] of {learners} {adv} [to shorten|to adjust] [programmes|the length of the apprenticeship|training plans] [where appropriate|accordingly].",
};
static const char *const REVIEW_NEG[] = {
    "{staff} do not use [information about|the results of assessments of] {learners}' starting points [to plan|when planning] their [programmes|learning|training], so [too many|many] {learners} [repeat|revisit] [what they already know|content they have already mastered].",
    "Progress reviews are [too infrequent|perfunctory|superficial|not effective] and [do not|rarely] [involve|include] [employers|line managers].",
    "Targets set [during|in] progress reviews [are|remain] [too vague|too general|imprecise|focused on completing units] and do not [help|support] {learners} to [improve|make progress|develop their skills].",
    "~~[Staff shortages|Changes of assessor|Long gaps between reviews] [have prevented|prevented] [many|too many|some] {learners} from [making the progress of which they are capable|completing their programmes on time|receiving timely support].",
    "{staff} do not [monitor|track|record] {learners}' progress [closely|accurately|carefully] enough to [identify|spot] those who [fall|are falling] behind.",
};
static const char *const ENGMATH_POS[] = {
    "{learners} [improve|develop|strengthen] their [English and mathematics|mathematical|English|literacy and numeracy|digital] skills {adv} and [apply|use] them [at work|in their vocational studies|in practical sessions].",
    "[Specialist|Experienced|Qualified] [English and mathematics|functional skills] [tutors|teachers] help {learners} to [pass their functional skills examinations|achieve their functional skills qualifications|pass their GCSE examinations] [at the first attempt|on time].",
    "[Vocational|{subject}] {staff} [skilfully|effectively|carefully] [integrate|weave|embed] [English|mathematics|English and mathematics] into [practical|vocational|workshop] [sessions|activities], [for example|such as] when {learners} [calculate|measure|estimate] [quantities|costs|angles|dosages|volumes].",
    "^2017 The proportion of {learners} who achieve [GCSE English and mathematics at grades 9 to 4|GCSE grades 4 or above in English and mathematics|functional skills at level 2] is [high|above that of similar providers|improving].",
    "{learners} [who have not yet achieved|without] [a grade 4 in|GCSE] English and mathematics [make|show] [good|strong|rapid] progress [from their starting points|in these subjects|over the year].",
};
static const char *const ENGMATH_NEG[] = {
    "[Too few|Not enough] {learners} [achieve|pass] their [functional skills|GCSE English and mathematics|English and mathematics] qualifications.",
    "{staff} do not [help|support|encourage] {learners} to [improve|develop] their [English|mathematics|English and mathematics] skills beyond [the minimum required|the level they have already achieved|their starting points].",
    "~~Leaders leave [functional skills|English and mathematics] [until|to] [the end of|late in] the programme, [which prevents|and this prevents] {learners} from [applying|using|practising] [these skills|their new skills] at work.",
    "Attendance at [English and mathematics|functional skills|GCSE] [lessons|sessions|classes] is [low|poor|too low], and [many|too many] {learners} [make slow progress|do not achieve].",
    "[Vocational|{subject}] {staff} [miss|do not take] [opportunities|chances] to [reinforce|develop|practise] {learners}' [mathematical|English|numeracy|writing] skills in [lessons|practical sessions|the workplace].",
};
static const char *const SAFE_POS[] = {
    "~~[Leaders|Managers] [place|have placed] a strong emphasis on the prevention of [bullying|harassment|sexual harassment and abuse], and {learners} know how to report [it|concerns].",
    "[Staff|{staff}] [know|understand] how to [recognise|identify] [signs|indicators] that {learners} [may be at risk|may need help|are struggling] and [whom|who] to [tell|inform].",
    "[Leaders|Managers] [have put in place|provide] [clear|well-understood] [policies|procedures] for [reporting|recording] [safeguarding concerns|incidents|disclosures], which staff [follow|apply] [consistently|carefully].",
    "{learners} [have|receive] [useful|helpful|age-appropriate] [information|guidance] about [sexual harassment|consent|healthy relationships|drugs and alcohol|gambling] [during induction|in tutorials|through the personal development programme].",
    "[Leaders|Managers] [keep|maintain] [an accurate|an up-to-date|a thorough] single central record of [recruitment checks|staff checks].",
    "[Staff|The safeguarding team] [follow up|monitor] [concerns|referrals] [diligently|thoroughly|carefully] [and keep detailed records|until they are resolved].",
    "{learners} [feel|say that they feel] safe [at the provider|in college|at work|in their workplaces] and know [how|who] to [report|raise] [any|] [concerns|worries].",
    "The designated safeguarding lead and [their|the] deputies are [suitably|appropriately|well] trained and [act|respond] [swiftly|promptly|quickly] when [concerns are raised|learners disclose concerns|incidents occur].",
    "[Leaders|Managers] [carry out|complete] [appropriate|thorough|the necessary] [pre-employment checks|safer recruitment checks|DBS checks] [on|for] [all|new] staff [before they start work|and keep accurate records].",
    "{leaders} [work|have worked] {adv} with [the local authority|the police|local safeguarding partners|external agencies|specialist services] to [support|protect|help] {learners} [at risk|who need help|who are vulnerable].",
    "{learners} [know|understand|have a good understanding of] [how to keep themselves safe online|the risks of sharing personal information online|how to recognise signs of abuse|how to stay safe at work|the risks associated with county lines].",
    "~^2015 {learners} have a [good|secure|sound|thorough] understanding of the [risks of radicalisation and extremism|dangers of extremism and radicalisation] and know how [the Prevent duty|Prevent] [applies to|relates to] their [lives|work|local area].",
    "~^2015 [Staff|{staff}] [complete|receive|undertake] [regular|annual|mandatory] training on safeguarding and the Prevent duty[ and know how to refer concerns|, which they use to support learners|].",
    "~^2015 [Leaders|Managers] have [an up-to-date|a detailed|a thorough] [Prevent risk assessment|Prevent action plan|risk assessment for the Prevent duty] that [reflects|takes account of] [local|regional] [risks|threats] such as [far-right extremism|county lines|knife crime|online radicalisation].",
    "[Tutors|{staff}] [discuss|explore] [topics|issues] such as [healthy relationships|consent|sexual harassment|online safety|mental health] {adv} [during|in] [tutorials|progress reviews|induction].",
    "~~[Leaders|Managers] [take|have taken] [effective|swift|appropriate] action to [prevent|tackle] [bullying|harassment|sexual harassment|discrimination], and {learners} [report|say] that [it is rare|incidents are dealt with quickly].",
    "~^2015 [Leaders|The safeguarding team] [work|have worked] closely with [the regional Prevent coordinator|the local Prevent coordinator|the local Prevent lead] and [share|use] [information|intelligence] about [local|emerging] risks [well|effectively].",
    "~^2015 {learners} [can|are able to] [explain|describe] how [the Prevent duty|Prevent] [protects|helps protect] [them|vulnerable people] [from being drawn into|from] [terrorism|extremism|extremist views].",
};
static const char *const SAFE_NEG[] = {
    "[Staff|{staff}] do not [always|consistently] [record|report] [safeguarding concerns|incidents] [in line with|using] the provider's [procedures|policy].",
    "{learners} [have|receive] [too little|insufficient|only basic] [information|guidance] about [how to keep themselves safe online|sexual harassment|healthy relationships] [beyond|after] their induction.",
    "[Leaders|Managers] have not [ensured|made sure] that all staff [have|receive|complete] [up-to-date|appropriate|sufficient] safeguarding training.",
    "~^2015 [Too many|Many|A significant minority of] {learners} [have|show] [a limited|a poor|only a superficial] understanding of [the risks of radicalisation and extremism|the Prevent duty|how the Prevent duty applies to them|the dangers of extremism].",
    "~^2015 [Leaders|Managers] have not [implemented|fulfilled|met] [the Prevent duty|their responsibilities under the Prevent duty|the requirements of the Prevent duty] [fully|effectively|well enough].",
    "[Safeguarding|Recruitment] records are [incomplete|poorly maintained|disorganised], and [leaders|managers] [could not demonstrate|cannot show] that [all|] [DBS checks|pre-employment checks|references] [were|have been] [completed|carried out].",
    "The [designated safeguarding lead|safeguarding team] does not [record|follow up|track] [concerns|referrals|incidents] [thoroughly|promptly|systematically] enough.",
    "~^2015 {staff} do not [routinely|regularly] [discuss|revisit|reinforce] [safeguarding|online safety|the Prevent duty|British values] [with|during reviews with] {learners}, so their understanding [is superficial|remains weak|is limited].",
    "~^2015 The Prevent risk assessment is [generic|out of date|not specific to the provider] and does not [reflect|identify] [local|regional] risks [well enough|sufficiently].",
    "[Leaders|Managers] have not [carried out|completed] [risk assessments|checks] [for|on] {learners} [who are placed|working] [with|in] [small employers|remote sites|subcontractors], [which|and this] [leaves|could leave] them [at risk|vulnerable].",
};
static const char *const PERS_POS[] = {
    "{learners} [benefit from|receive|have access to] [impartial|helpful|high-quality|useful] careers [advice and guidance|guidance] that helps them [plan|decide on|make informed choices about] their next steps.",
    "{learners} [take part in|participate in|benefit from] a [wide|broad|rich] range of [enrichment|extra-curricular|volunteering|community] activities, [such as|including] [charity fundraising|sports clubs|a debating society|work in local food banks|mentoring younger students].",
    "{learners} [develop|gain|show] [confidence|resilience|self-esteem|independence] and the [professional|personal|social] [behaviours|skills] that employers [value|expect|need].",
    "{staff} [promote|foster|encourage] [respect|tolerance|an inclusive culture] {adv}, and {learners} [understand|appreciate|can explain] [British values|fundamental British values|the importance of equality and diversity][ and how they apply to their lives| in the context of their work|].",
    "{learners} [value|appreciate|benefit from] the [support|help|care] [they receive|staff give them] for their [mental health|well-being|welfare], [including|such as] [access to counsellors|well-being workshops|a dedicated welfare team].",
    "^2019 {learners} learn about [healthy lifestyles|how to stay physically and mentally healthy|the importance of healthy eating and exercise] [through|in] [tutorials|the personal development curriculum|enrichment activities].",
    "~^2015 {staff} [link|relate] [discussions|topics] about British values and the Prevent duty [skilfully|well|carefully] to {learners}' [work|vocational areas|everyday lives].",
};
static const char *const PERS_NEG[] = {
    "[Careers advice and guidance|Careers guidance|Information, advice and guidance] is [not|insufficiently] [impartial|well planned|effective|timely], and [too many|some] {learners} are [unclear|uncertain] about their [next steps|career options|options after their course].",
    "{learners} have [a poor|a limited|an underdeveloped] understanding of [British values|equality and diversity|fundamental British values] and [how they relate to|their relevance to] [their lives|their work|life in modern Britain].",
    "{staff} [do not|rarely] [plan|provide] [opportunities|activities] for {learners} to [develop|broaden] their [personal|wider|social] [skills|interests] beyond their [qualification|main programme|vocational course].",
    "^2019 The personal development curriculum is [underdeveloped|not yet in place|too narrow|not well planned], [so|and as a result] {learners} learn too little about [topics|issues] such as [healthy relationships|financial management|online safety|democracy].",
    "~~[Work experience|Work placements|Industry placements] [are|remain] [too few|limited|not well planned], [which prevents|and this prevents] {learners} from [developing|practising] [the|] [skills|behaviours] employers [expect|need].",
};
static const char *const OUTC_POS[] = {
    "[Achievement rates are|The proportion of {learners} who achieve their qualifications is] [high|very high|above the national rate|well above those of similar providers] [in|for] [most|all|the large majority of] [subjects|courses|programmes].",
    "In {ayear}, [over|more than|almost] {pcthi} of {learners} [achieved|completed] their [qualifications|apprenticeships|courses][ within the planned time|].",
    "The [large majority|vast majority|majority] of {learners} [progress|move on] to [further study|higher education|employment|higher-level apprenticeships|sustained employment] [when they complete their course|at the end of their programme].",
    "^2017 Apprentices [achieve|pass] their end-point [assessments|assessment] [and a high proportion gain|with many gaining] [distinctions|merit or distinction grades].",
    "Gaps in achievement between [different groups of learners|male and female learners|learners from different ethnic backgrounds|learners with and without high needs] [have narrowed|have closed|are small].",
    "{learners} on [{subject}|access to higher education|level {lvl}] courses [achieve|do] [particularly|exceptionally] well, and [many|most] [progress|go on] to [university|higher-level study|skilled employment].",
};
static const char *const OUTC_NEG[] = {
    "Achievement rates [on|for|in] [apprenticeships|study programmes|adult learning programmes|{subject}] [have declined|have fallen|are low|remain too low] [over the past three years|since the previous inspection|and are well below national rates].",
    "In {ayear}, only {pctlo} of {learners} [completed|achieved] their [apprenticeships|qualifications|courses] [within|by] [their|the] planned end date.",
    "Too many {learners} [leave|withdraw from|drop out of] their [course|programme|apprenticeship] [early|before completing it|without achieving their qualification].",
    "{leaders} do not [collect|gather|analyse] [information|data] [about|on] the destinations of {learners} [after|when] they [leave|complete their course], so they cannot [tell|judge] whether [the curriculum meets|programmes meet] their needs.",
    "{learners} [aged 19 and over|on access courses|on part-time courses] [achieve|do] [less well|poorly|worse] than [their peers|other learners].",
};
static const char *const ATTEND_POS[] = {
    "{learners} [attend|arrive at] [lessons|sessions|training] [regularly|punctually|on time] and are [eager|keen|motivated|ready] to learn.",
    "{learners} [behave|conduct themselves] [well|exceptionally well|professionally|maturely] [in college|at work|in lessons] and show [respect|courtesy] [to|towards] [staff|each other|customers|clients].",
    "[Attendance|Punctuality] [has improved|is high|is good] because [staff|{staff}] [follow up|challenge] [absences|lateness] [promptly|quickly|rigorously].",
    "{learners} [work|study] [diligently|with enthusiasm|with commitment] and take [pride|great pride] in their [work|achievements|appearance].",
};
static const char *const ATTEND_NEG[] = {
    "[Attendance|Punctuality] [is|remains] [low|poor|too low] [in|on] [too many|a few|several] [courses|subjects|lessons], [particularly|especially] [in {subject}|in English and mathematics|for 16- to 18-year-old learners].",
    "~~[Low-level disruption|Lateness|Poor behaviour] in [a minority of|too many|some] [lessons|sessions] [prevents|stops|distracts] [other learners|{learners}] from [concentrating|focusing on their work|learning].",
    "{staff} do not [challenge|tackle|address] [poor attendance|lateness|learners' use of mobile phones] [consistently|effectively|firmly enough].",
};
static const char *const STAFF_POS[] = {
    "{staff} [benefit from|receive|take part in] [frequent|regular|high-quality|well-planned] [professional development|training] that [improves|helps them improve|updates] their [teaching|vocational|industry] [skills|knowledge|practice].",
    "{leaders} have [recruited|appointed] [well-qualified|experienced|specialist] {staff} [to fill|to address] [vacancies|gaps] [in|across] [key|hard-to-recruit] [areas|subjects].",
    "^2019 [Staff|{staff}] [feel|say that they feel] [valued|supported|well supported] by [leaders|managers], who [take account of|consider] their workload and well-being.",
    "[New|Newly appointed] {staff} [receive|follow] a [thorough|well-structured|comprehensive] induction and are [mentored|supported] by [experienced|senior] colleagues.",
    "{staff} [spend|complete] [time|placements] [in industry|with employers|in the workplace] [each year|regularly] to [keep|make sure] their [vocational|occupational] [knowledge|expertise] [is|] [up to date|current].",
};
static const char *const STAFF_NEG[] = {
    "[High|Frequent] staff turnover has [disrupted|interrupted|slowed] the [learning|progress|training] of [too many|many|a significant number of] {learners}.",
    "~~[Staffing shortages|Vacancies|Difficulties in recruiting {staff}] [in|on] [{subject}|key subjects|several programmes] have prevented {learners} from [receiving|getting] the [training|support|teaching] they [need|are entitled to].",
    "[Leaders|Managers] have not [provided|offered] [sufficient|enough|relevant] [professional development|training] to help {staff} [improve|develop|update] their [teaching|assessment|vocational] [skills|practice].",
    "[Many|Several|A number of] {staff} [carry|have] [excessive|high|unmanageable] [caseloads|workloads], [which|and this] [limits|reduces] the [time|support] they [can give|give] to {learners}.",
    "Staff turnover [among|of] {staff} [has been|is] [high|very high|too high] [since the previous inspection|over the past year|in {subject}], and [temporary|agency] staff [cover|have covered] [too many|a large number of] [lessons|sessions].",
};
static const char *const SEND_POS[] = {
    "{learners} with [high needs|special educational needs and/or disabilities|SEND] receive [effective|well-planned|specialist|personalised] support that [helps|enables] them to [make good progress|achieve their goals|become more independent].",
    "[Leaders|Managers] use high needs funding {adv} to [provide|put in place] [specialist|appropriate|tailored] [support|therapy|equipment|learning support].",
    "[Learning support assistants|Support staff|{staff}] [know|understand] {learners}' [needs|education, health and care plans|EHC plans] [well|thoroughly|in detail] and [adapt|tailor] [support|activities] [accordingly|to meet them].",
    "{learners} with high needs [develop|gain] [independence|travel skills|communication skills|skills for work|skills for independent living] [through|during] [supported internships|work experience|community activities|well-planned activities].",
};
static const char *const SEND_NEG[] = {
    "[Staff|{staff}] do not [use|take account of] the [information|targets|outcomes] in {learners}' [education, health and care plans|EHC plans] [when planning|to plan] [learning|activities|support].",
    "Support for {learners} with [high needs|SEND|special educational needs and/or disabilities] is [inconsistent|not well coordinated|too variable|not effective].",
    "[Leaders|Managers] do not [identify|assess] [promptly|quickly enough|accurately] which {learners} need [additional|extra|learning] support.",
};
static const char *const ADULT_POS[] = {
    "Adult learners [develop|gain|improve] the [skills|confidence|knowledge] they need to [return to|progress into|find] [work|employment|further study] or to [support their children with schoolwork|play a more active part in their communities].",
    "{leaders} [have developed|offer|provide] a [wide|well-targeted] range of [community|adult|short] courses [in|across] [local|community] [venues|centres|libraries] that [attract|reach|engage] [adults|residents] who [have not studied for many years|are furthest from the job market|live in disadvantaged neighbourhoods].",
    "[Learners|Adults] on [ESOL|English for speakers of other languages] courses make [rapid|good|strong] progress in [speaking|listening|reading|writing] and gain confidence in [everyday situations|their communities|work settings].",
};
static const char *const ADULT_NEG[] = {
    "[Tutors|{staff}] on [community|adult|short] courses do not [record|recognise|track] the progress [adult learners|learners] make [towards|in] their [personal|individual] [goals|targets|objectives] well enough.",
    "[Leaders|Managers] do not [know|track|monitor] whether adult learners [move|progress] on to [further learning|employment|higher-level courses] when they [complete|finish] their [courses|programmes].",
    "~~[Too few|Not enough] [courses|classes] [are offered|run] in [the most disadvantaged|rural|outlying] [areas|wards|parts] of {place}, [which|and this] [prevents|stops] [many|some] [residents|adults] from [taking part|enrolling].",
};
static const char *const SUBCON_POS[] = {
    "[Leaders|Managers] [manage|monitor|oversee] [subcontractors|subcontracted provision] [closely|rigorously|effectively] through [regular|frequent] [visits|meetings|quality reviews|observations].",
    "[Leaders|Managers] [select|choose] [subcontractors|partners] [carefully|strategically] to [fill|meet] [specific|particular|local] [gaps|needs] in [the curriculum|provision].",
    "[Leaders|Managers] [have|] [ended|terminated] [contracts|partnerships] with subcontractors [whose provision was weak|that did not meet their expectations|that did not improve].",
};
static const char *const SUBCON_NEG[] = {
    "[Leaders|Managers] do not [monitor|oversee|check] the quality of [subcontracted|their partners'] [provision|training|teaching] [closely|rigorously|effectively] enough.",
    "Leaders have expanded subcontracted provision [too quickly|rapidly|without sufficient oversight], and [the quality of training|achievement|learners' progress] at [several|some|a few] subcontractors [is weak|requires improvement|is poor].",
    "~^2015 [Leaders|Managers] do not [check|make sure] that subcontractors [fulfil|meet] their [safeguarding|Prevent duty|safeguarding and Prevent duty] responsibilities.",
};
static const char *const REMOTE_POS[] = {
    "^2020 [During|Throughout] the [COVID-19|coronavirus (COVID-19)] pandemic, [staff|{staff}] [quickly|swiftly|effectively] [moved|adapted|switched] [teaching|training|learning] [online|to remote delivery], so that {learners} [continued|were able to continue] [to learn|their studies|their training].",
    "^2020 {staff} [use|make good use of] [live online|remote] [sessions|lessons] [well|effectively|skilfully] to [teach|revisit] [theory topics|difficult concepts] and [record|share] them for {learners} to [revisit|review] later.",
    "^2020 {leaders} [provided|loaned|supplied] [laptops|devices|data packages] to {learners} who [lacked|did not have] [digital equipment|the technology needed to learn remotely].",
};
static const char *const REMOTE_NEG[] = {
    "^2020 [During|Since] the [COVID-19|coronavirus (COVID-19)] [pandemic|restrictions], [too many|many|a few] {learners} have [fallen behind|made slow progress|had their training disrupted] because [remote learning|online teaching] was [poorly planned|not well planned|too infrequent].",
    "~~^2020 [Restrictions|Lockdown restrictions|Workplace closures] [prevented|have prevented] [many|some|a few] {learners} from [completing|taking] their [end-point assessments|practical assessments|work placements] [on time|as planned], and [leaders|managers] [have been slow to|did not] [put alternative arrangements in place|make alternative arrangements].",
    "^2020 [Online|Remote] [sessions|lessons] [consist|consisted] [too often|largely] of [presentations|lectures|slides] with few opportunities for {learners} to [ask questions|practise|check their understanding].",
};
static const char *const CURR_POS[] = {
    "{leaders} [have designed|have planned] [an ambitious|a coherent|a well-sequenced|a broad] curriculum that [meets|reflects|responds to] the [needs|priorities] of {learners}, employers and the [local|regional] economy.",
    "The {subject} curriculum is [carefully|logically|well] [sequenced|planned|ordered] so that {learners} [learn|master] [the fundamentals|essential knowledge] before [moving on to|tackling] [more complex|more demanding] [tasks|topics], such as how to {skill}.",
    "^2019 [Leaders|Managers] [work|consult] [closely|well] with employers to [include|add] [topics|content] that [reflect|meet] [current|emerging] [industry|sector] [practice|needs], such as {tech}.",
};
static const char *const CURR_NEG[] = {
    "[Leaders|Managers] have not [planned|sequenced|designed] the curriculum [in|for] [{subject}|a few subjects|several programmes] [well enough|logically|carefully enough], so {learners} [learn|study] [topics|units] in an order that does not [help them|build on what they know].",
    "The curriculum [in|for] {subject} [is|remains] too [narrow|focused on qualification units|focused on assessment], and {learners} [do not|rarely] [learn|develop] the [wider|broader] [knowledge|skills] that employers [need|expect|value].",
    "^2019 [Leaders|Managers] have not [considered|thought carefully about] [what|which knowledge and skills] {learners} need to learn [first|early on], so [some|too many] {learners} [struggle|find it hard] to [keep up|understand later topics].",
};
static const char *const EMPL_POS[] = {
    "Employers [speak highly of|value|praise] [the training|the provider's work|the apprenticeship programmes] and the [contribution|difference] that apprentices make to their [businesses|organisations|teams].",
    "[Leaders|{leaders}] work [closely|productively|effectively] with employers such as {employer} to [plan|design|develop] [training|programmes] that meet their [needs|workforce needs].",
    "[Staff|{staff}] [communicate|keep in touch] [regularly|frequently] with employers, who [know|understand] what their apprentices [are learning|will learn next] and [support|reinforce] it at work.",
};
static const char *const EMPL_NEG[] = {
    "[Leaders|Managers] do not [involve|engage] employers [sufficiently|well enough|effectively] in [planning|designing|reviewing] [the curriculum|training|programmes].",
    "[A few|Some|Too many] employers [do not know|are unclear about] what their apprentices learn [at the provider|during training|in training sessions] and [so|therefore] cannot [reinforce|support|build on] it at work.",
};

typedef struct {
    const char *const *pos;
    size_t npos;
    const char *const *neg;
    size_t nneg;
} topic_t;
#define TOPIC(p, n) {p, COUNT(p), n, COUNT(n)}
static const topic_t TOPICS[T__N] = {
    TOPIC(LEAD_POS, LEAD_NEG),       TOPIC(GOV_POS, GOV_NEG),
    TOPIC(QUAL_POS, QUAL_NEG),       TOPIC(TEACH_POS, TEACH_NEG),
    TOPIC(ASSESS_POS, ASSESS_NEG),   TOPIC(APPR_POS, APPR_NEG),
    TOPIC(REVIEW_POS, REVIEW_NEG),   TOPIC(ENGMATH_POS, ENGMATH_NEG),
    TOPIC(SAFE_POS, SAFE_NEG),       TOPIC(PERS_POS, PERS_NEG),
    TOPIC(OUTC_POS, OUTC_NEG),       TOPIC(ATTEND_POS, ATTEND_NEG),
    TOPIC(STAFF_POS, STAFF_NEG),     TOPIC(SEND_POS, SEND_NEG),
    TOPIC(ADULT_POS, ADULT_NEG),     TOPIC(SUBCON_POS, SUBCON_NEG),
    TOPIC(REMOTE_POS, REMOTE_NEG),   TOPIC(CURR_POS, CURR_NEG),
    TOPIC(EMPL_POS, EMPL_NEG),
};

static const char *const INFO[] = {
    "{prov} is {atypel} [based in|located in|with its main site in] {home} in {region}.",
    "At the time of the inspection, [there were|the provider had] {big} {learners} [on programme|in learning|enrolled].",
    "The [largest|main] [subject areas|programmes] are {subjlist}.",
    "[The provider|{prov}] [offers|delivers] [apprenticeships|study programmes|adult learning programmes|traineeships] [from level 2 to level 5|at levels 2 to 4|at levels 3 and 5|from entry level to level 3].",
    "[Around|About|Approximately] {pct} of {learners} [are aged 16 to 18|are adults|are on apprenticeships|study part time].",
    "[The provider|{prov}] [works with|subcontracts to] {num} subcontractors, which [deliver|provide] [around|about] {pctlo} of [its|the] provision.",
    "[Unemployment|The proportion of residents with qualifications at level 3 or above] in {place} is [higher|lower] than the [regional|national] average.",
    "[The organisation|{prov}] [merged with|was formed by a merger with] {place} [College|Training] in {yearprev}.",
    "{learners} [come from|are drawn from] [a wide area|{place} and {place}|across the region|urban and rural areas], and [a higher proportion than average|many of them] live in [areas of deprivation|disadvantaged areas].",
    "[The provider|{prov}] [receives|holds] [contracts|funding] [from|with] [the ESFA|the Education and Skills Funding Agency|the combined authority|the local authority] [worth|of] {money} [a year|each year|].",
    "{prov} [has|employs] [around|about|over] {n} staff[, of whom about half are {staff}|, most of whom are {staff}|].",
    "[Most|Many|The majority of] {learners} work for [small and medium-sized|large national|local] employers in {subjlist}.",
};
static const char *const ACTION[] = {
    "[Leaders|Leaders and managers|Managers] should make sure that {staff} [use|take account of] [information about|assessments of] {learners}' starting points to [plan|tailor] [learning|their programmes].",
    "Improve [the quality of|] [feedback|progress reviews|target setting] so that {learners} [know|understand] [what they need to do|how] to improve.",
    "^2017 Make sure that all apprentices receive their [full|] entitlement to off-the-job training [and that employers release them to attend|and that it is recorded accurately].",
    "[Governors|Leaders] should [hold|challenge] [senior|] leaders [more rigorously|robustly] to account for [the quality of education|learners' progress|achievement rates].",
    "[Raise|Improve] achievement rates [in|for|on] [English and mathematics|functional skills|{subject}|apprenticeships] [by|through] [providing|ensuring] [specialist|timely|better] [teaching|support].",
    "[Strengthen|Improve] the [self-assessment|quality improvement|quality assurance] [process|processes|arrangements] so that {leaders} [have|gain] an accurate [view|understanding] of [the provision|the quality of training].",
    "~Prevent {learners} from falling behind by [identifying|spotting] [those at risk of not completing|those who are falling behind] [earlier|promptly] and [putting|providing] [effective|timely] support in place.",
    "~^2015 Make sure that {learners} develop a [secure|thorough|good] understanding of [the risks of radicalisation and extremism|the Prevent duty|British values] and [how these apply to|their relevance to] their [lives|work].",
    "[Reduce|Tackle] staff turnover and make sure that {learners} [are not disadvantaged by|do not miss training because of] [changes of|vacancies among] {staff}.",
    "[Improve|Strengthen] careers [advice and guidance|guidance] so that {learners} [understand|know about] [the full range of|all the] [options|opportunities] [available to them|open to them].",
    "Make sure that safeguarding [records|procedures] are [complete|thorough|up to date] and that [all|] [staff|recruitment] checks are [carried out|recorded] [before staff start work|promptly].",
    "[Improve|Raise] attendance [in|at] [English and mathematics|functional skills|all] lessons.",
    "Make sure that [employers|line managers] are [fully|closely] involved in [planning|reviewing] [apprentices' training|progress reviews] so that [training at the provider and at work fit together|what apprentices learn is linked to their work].",
    "[Develop|Improve] the [personal development|enrichment] [curriculum|programme] so that {learners} [learn about|understand] [healthy relationships|how to stay safe online|life in modern Britain|their wider responsibilities].",
};

/* ------------------------------------------------------------------ */
/* Providers. */

typedef struct {
    char name[128];
    char slug[128];
    char place[40];
    const char *region;
    int type;
    unsigned urn;
    char principal[64];
    char address[160];
    char phone[24];
    char web[160];
    int subj[6];
    int nsubj;
} provider_t;

static void make_place(rng_t *r, char *out, size_t n)
{
    const char *a = PICK(r, PLACE_A), *b = PICK(r, PLACE_B);
    snprintf(out, n, "%s%s", a, b);
}

static void make_person(rng_t *r, char *out, size_t n)
{
    snprintf(out, n, "%s %s", PICK(r, FIRST), PICK(r, SURNAME));
}

static void slugify(const char *s, char *out, size_t n)
{
    size_t o = 0;
    int dash = 0;
    for (; *s && o + 2 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[o++] = (char)c;
            dash = 0;
        } else if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c - 'A' + 'a');
            dash = 0;
        } else if (!dash && o > 0) {
            out[o++] = '-';
            dash = 1;
        }
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
}

static int pick_type(rng_t *r)
{
    unsigned x = rng_below(r, 100), acc = 0;
    for (int t = 0; t < PT__N; t++) {
        acc += PTYPE[t].weight;
        if (x < acc)
            return t;
    }
    return PT_ILP;
}

static void provider_make(uint64_t seed, unsigned k, provider_t *p)
{
    rng_t r = rng_derive(seed, 1, k);
    memset(p, 0, sizeof *p);
    p->type = pick_type(&r);
    p->region = PICK(&r, REGION);
    make_place(&r, p->place, sizeof p->place);
    char place2[40];
    make_place(&r, place2, sizeof place2);
    const char *brand = PICK(&r, BRAND);
    switch (p->type) {
    case PT_GFE: {
        static const char *const f[] = {"%s College", "%s College",
            "%s and %s College", "%s College of Further Education",
            "%s Regional College", "%s College Group"};
        unsigned i = rng_below(&r, COUNT(f));
        if (i == 2)
            snprintf(p->name, sizeof p->name, "%s and %s College", p->place, place2);
        else
            snprintf(p->name, sizeof p->name, f[i], p->place);
        break;
    }
    case PT_SFC:
        snprintf(p->name, sizeof p->name, "%s Sixth Form College", p->place);
        break;
    case PT_TERT:
        snprintf(p->name, sizeof p->name, "%s Tertiary College", p->place);
        break;
    case PT_LAND:
        snprintf(p->name, sizeof p->name, rng_pct(&r, 50) ? "%s Agricultural College"
                 : "%s College of Agriculture and Horticulture", p->place);
        break;
    case PT_ISC:
        snprintf(p->name, sizeof p->name, rng_pct(&r, 50) ? "%s House College"
                 : "%s Specialist College", rng_pct(&r, 50) ? brand : p->place);
        break;
    case PT_ILP: {
        static const char *const suf[] = {"Training Ltd", "Training Limited",
            "Skills Limited", "Learning Ltd", "Apprenticeships Limited",
            "Training Partnership Ltd", "Training Services Limited",
            "Academy Ltd", "Education and Training Limited", "Skills Academy CIC",
            "Training Group Ltd", "Learning Solutions Ltd"};
        unsigned form = rng_below(&r, 10);
        const char *s = PICK(&r, suf);
        if (form < 4)
            snprintf(p->name, sizeof p->name, "%s %s", brand, s);
        else if (form < 7)
            snprintf(p->name, sizeof p->name, "%s %s", p->place, s);
        else
            snprintf(p->name, sizeof p->name, "%s %s %s", brand, PICK(&r, SECTOR_WORD), s);
        break;
    }
    case PT_EMP: {
        static const char *const suf[] = {"Engineering plc", "Foods Ltd",
            "Hospitals NHS Foundation Trust", "Motor Group Limited",
            "Housing Group", "Logistics Limited", "Aerospace Ltd",
            "Care Group Ltd", "Utilities plc", "Rail Services Limited"};
        snprintf(p->name, sizeof p->name, "%s %s",
                 rng_pct(&r, 50) ? brand : p->place, PICK(&r, suf));
        break;
    }
    case PT_LA: {
        static const char *const f[] = {"%s Borough Council", "%s County Council",
            "%s City Council", "%s Metropolitan Borough Council", "%s Council"};
        snprintf(p->name, sizeof p->name, PICK(&r, f), p->place);
        break;
    }
    case PT_HEI:
        snprintf(p->name, sizeof p->name, "University of %s", p->place);
        break;
    case PT_ACAD:
        snprintf(p->name, sizeof p->name, "%s Sixth Form Academy", p->place);
        break;
    default:
        snprintf(p->name, sizeof p->name, rng_pct(&r, 50)
                 ? "%s Academy of Performing Arts" : "%s School of Dance and Drama",
                 rng_pct(&r, 50) ? brand : p->place);
        break;
    }
    slugify(p->name, p->slug, sizeof p->slug);

    /* URN ranges keep providers distinct: older institutions have 5-6 digit
     * URNs, providers registered since 2015 mostly 7 digits. */
    if (p->type == PT_ILP || p->type == PT_EMP || p->type == PT_LA)
        p->urn = rng_pct(&r, 55) ? 2500000u + k * 7u + rng_below(&r, 7)
                                 : 50000u + k * 3u + rng_below(&r, 3);
    else
        p->urn = 130000u + k * 3u + rng_below(&r, 3);

    make_person(&r, p->principal, sizeof p->principal);
    char postcode[16];
    snprintf(postcode, sizeof postcode, "%c%c%u %u%c%c",
             'A' + (int)rng_below(&r, 26), 'A' + (int)rng_below(&r, 26),
             rng_range(&r, 1, 29), rng_range(&r, 1, 9),
             'A' + (int)rng_below(&r, 26), 'A' + (int)rng_below(&r, 26));
    char street[40];
    make_place(&r, street, sizeof street);
    snprintf(p->address, sizeof p->address, "%u %s %s, %s, %s",
             rng_range(&r, 1, 240), street, PICK(&r, STREET), p->place, postcode);
    snprintf(p->phone, sizeof p->phone, "0%u %u", rng_range(&r, 1100, 1999),
             rng_range(&r, 100000, 999999));
    const char *tld = (p->type <= PT_ISC || p->type == PT_ACAD || p->type == PT_DANCE)
                          ? "ac.uk" : (p->type == PT_LA ? "gov.uk" : "co.uk");
    char wslug[128];
    slugify(p->name, wslug, sizeof wslug);
    {
        /* Websites drop the dashes: "www.ashburycollege.ac.uk". */
        size_t o = 0;
        for (size_t i = 0; wslug[i] && o + 1 < sizeof wslug; i++)
            if (wslug[i] != '-')
                wslug[o++] = wslug[i];
        wslug[o] = '\0';
    }
    snprintf(p->web, sizeof p->web, "www.%.100s.%s", wslug, tld);

    p->nsubj = (int)rng_range(&r, 3, 6);
    for (int i = 0; i < p->nsubj; i++) {
        int s;
        if (p->type == PT_LAND && i < 2) {
            static const int land[] = {43, 44, 45, 46, 47};
            s = land[rng_below(&r, COUNT(land))];
        } else if (p->type == PT_DANCE && i < 2) {
            s = 36;
        } else {
            s = (int)rng_below(&r, COUNT(SUBJECT));
        }
        p->subj[i] = s;
    }
}

/* ------------------------------------------------------------------ */
/* Dates (days since 1970-01-01, proleptic Gregorian). */

static long days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + (int)(era * 400);
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

typedef struct {
    int y;
    unsigned m, d;
} date_t;

static date_t date_of(long z)
{
    date_t t;
    civil_from_days(z, &t.y, &t.m, &t.d);
    return t;
}

/* ------------------------------------------------------------------ */
/* The report being written. */

enum { ERA_A, ERA_B12, ERA_B, ERA_C, ERA_MON };
enum { MON_NEW, MON_REINSP, MON_PROGRESS };

typedef struct {
    rng_t r;
    const provider_t *pv;
    int era, mon_kind;
    int year;
    int grade;        /* 1 outstanding .. 4 inadequate (monitoring: weakest theme) */
    int prev_grade;
    long d0, d1;      /* inspection start and end */
    int md;           /* markdown output */
    int paginate;     /* emit page-break markers (PDF-like text) */
    int cur_subj;
    char dates[96];   /* the inspection dates as this report writes them */
    const char *recent[3]; /* templates used lately: not repeated at once */
    unsigned nrecent;
    char learners_main[24];
    char bullet[8];
    buf_t doc;
    int depth;
} ctx_t;

/* A marker byte: a place where a page break may fall. Replaced (or dropped)
 * when the document is finished. */
#define PAGE_MARK '\x01'

static const char *grade_word(int era, int g)
{
    static const char *const a[] = {"Outstanding", "Good", "Satisfactory", "Inadequate"};
    static const char *const b[] = {"Outstanding", "Good", "Requires improvement", "Inadequate"};
    if (g < 1 || g > 4)
        g = 2;
    return era == ERA_A ? a[g - 1] : b[g - 1];
}

static const char *grade_slug(int era, int g)
{
    static const char *const a[] = {"outstanding", "good", "satisfactory", "inadequate"};
    static const char *const b[] = {"outstanding", "good", "requires-improvement", "inadequate"};
    if (g < 1 || g > 4)
        g = 2;
    return era == ERA_A ? a[g - 1] : b[g - 1];
}

static const char *const PROGRESS_WORD[] = {
    "Significant progress", "Reasonable progress", "Insufficient progress",
};
static const char *const PROGRESS_SLUG[] = {
    "significant-progress", "reasonable-progress", "insufficient-progress",
};

/* Chance (percent) that a sentence is a strength, by grade. */
static unsigned pos_pct(int g)
{
    static const unsigned p[] = {88, 72, 45, 22};
    return p[(g < 1 || g > 4) ? 1 : g - 1];
}

static void expand(ctx_t *c, const char *s, size_t n);

static const char *list_pick(ctx_t *c, const char *name, size_t nlen)
{
#define IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, nlen) == 0)
    if (IS("learners")) {
        if (rng_pct(&c->r, 60))
            return c->learners_main;
        return PICK(&c->r, L_LEARNERS);
    }
    if (IS("staff"))
        return PICK(&c->r, L_STAFF);
    if (IS("leaders"))
        return PICK(&c->r, L_LEADERS);
    if (IS("adv"))
        return PICK(&c->r, L_ADV_POS);
    if (IS("area"))
        return PICK(&c->r, L_AREA);
    if (IS("tech"))
        return PICK(&c->r, L_TECH);
    if (IS("home"))
        return c->pv->place;
    if (IS("region"))
        return c->pv->region;
    if (IS("prov"))
        return c->pv->name;
    if (IS("atypel")) {
        /* "an independent ...", "a sixth form ..." */
        static char buf[96];
        const char *t = PTYPE[c->pv->type].lower;
        snprintf(buf, sizeof buf, "%s %s", strchr("aeiou", t[0]) ? "an" : "a", t);
        return buf;
    }
    return NULL;
#undef IS
}

/* Expand one {slot}. */
static void expand_slot(ctx_t *c, const char *name, size_t nlen)
{
    char tmp[160];
#define IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, nlen) == 0)
    const char *s = list_pick(c, name, nlen);
    if (s) {
        buf_puts(&c->doc, s);
        return;
    }
    if (IS("subject")) {
        /* Mostly the subject the paragraph is about, sometimes another of
         * the provider's. */
        int sj = rng_pct(&c->r, 70) ? c->cur_subj
                                    : c->pv->subj[rng_below(&c->r, (unsigned)c->pv->nsubj)];
        c->cur_subj = sj; /* a {skill} later on belongs to this subject */
        buf_puts(&c->doc, SUBJECT[sj].name);
    } else if (IS("subjlist")) {
        /* Two or three of the provider's subjects, each named once. */
        int seen[6], ns = 0;
        for (int k = 0; k < c->pv->nsubj && ns < 3; k++) {
            int sj = c->pv->subj[k], dup = 0;
            for (int m = 0; m < ns; m++)
                dup |= seen[m] == sj;
            if (!dup)
                seen[ns++] = sj;
        }
        for (int k = 0; k < ns; k++)
            buf_printf(&c->doc, "%s%s", k == 0 ? "" : (k == ns - 1 ? " and " : ", "),
                       SUBJECT[seen[k]].name);
    } else if (IS("skill")) {
        const subject_t *sj = &SUBJECT[c->cur_subj];
        unsigned n = 0;
        while (n < COUNT(sj->skills) && sj->skills[n])
            n++;
        buf_puts(&c->doc, sj->skills[rng_below(&c->r, n)]);
    } else if (IS("place")) {
        if (rng_pct(&c->r, 50)) {
            buf_puts(&c->doc, c->pv->place);
        } else {
            make_place(&c->r, tmp, sizeof tmp);
            buf_puts(&c->doc, tmp);
        }
    } else if (IS("employer")) {
        make_place(&c->r, tmp, 40);
        buf_printf(&c->doc, "%s %s", tmp, PICK(&c->r, EMPLOYER_SUFFIX));
    } else if (IS("person")) {
        make_person(&c->r, tmp, sizeof tmp);
        buf_puts(&c->doc, tmp);
    } else if (IS("lvl")) {
        static const unsigned lv[] = {2, 2, 2, 3, 3, 3, 3, 4, 5, 6};
        buf_printf(&c->doc, "%u", PICK(&c->r, lv));
    } else if (IS("pct")) {
        buf_printf(&c->doc, "%u%%", rng_range(&c->r, 12, 96));
    } else if (IS("pcthi")) {
        buf_printf(&c->doc, "%u%%", rng_range(&c->r, 78, 98));
    } else if (IS("pctlo")) {
        buf_printf(&c->doc, "%u%%", rng_range(&c->r, 31, 64));
    } else if (IS("num")) {
        buf_puts(&c->doc, PICK(&c->r, NUMWORD));
    } else if (IS("n")) {
        buf_printf(&c->doc, "%u", rng_range(&c->r, 12, 480));
    } else if (IS("big")) {
        unsigned v = rng_range(&c->r, 90, 9800);
        if (v >= 1000)
            buf_printf(&c->doc, "%u,%03u", v / 1000, v % 1000);
        else
            buf_printf(&c->doc, "%u", v);
    } else if (IS("money")) {
        if (rng_pct(&c->r, 60))
            buf_printf(&c->doc, "\xC2\xA3%u.%u million", rng_range(&c->r, 1, 38),
                       rng_range(&c->r, 1, 9));
        else
            buf_printf(&c->doc, "\xC2\xA3%u,000", rng_range(&c->r, 45, 950));
    } else if (IS("ayear")) {
        int y = c->year - 1 - (int)rng_below(&c->r, 2);
        buf_printf(&c->doc, "%d/%02d", y - 1, y % 100);
    } else if (IS("yearprev")) {
        buf_printf(&c->doc, "%d", c->year - (int)rng_range(&c->r, 2, 12));
    } else {
        die("template uses unknown slot {%.*s}", (int)nlen, name);
    }
#undef IS
}

/* Find the end of a bracketed group starting at s[0] == open, honouring
 * nesting of both [] and {}. Returns the index of the closing bracket. */
static size_t group_end(const char *s, size_t n, char open, char close)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' || s[i] == '{')
            depth++;
        else if (s[i] == ']' || s[i] == '}') {
            depth--;
            if (depth == 0) {
                if (s[i] != close)
                    die("unbalanced template near \"%.40s\"", s);
                return i;
            }
        }
    }
    (void)open;
    die("unterminated template group near \"%.40s\"", s);
    return n;
}

static void expand(ctx_t *c, const char *s, size_t n)
{
    if (++c->depth > EXPAND_MAX_DEPTH)
        die("templates nest too deeply");
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '[' && s[j] != '{')
            j++;
        if (j > i)
            buf_add(&c->doc, s + i, j - i);
        if (j >= n)
            break;
        size_t e = group_end(s + j, n - j, s[j], s[j] == '[' ? ']' : '}') + j;
        if (s[j] == '{') {
            expand_slot(c, s + j + 1, e - j - 1);
        } else {
            /* Count top-level alternatives, pick one, expand it. */
            const char *in = s + j + 1;
            size_t inn = e - j - 1, nalt = 1;
            int depth = 0;
            for (size_t k = 0; k < inn; k++) {
                if (in[k] == '[' || in[k] == '{')
                    depth++;
                else if (in[k] == ']' || in[k] == '}')
                    depth--;
                else if (in[k] == '|' && depth == 0)
                    nalt++;
            }
            size_t want = rng_below(&c->r, (unsigned)nalt), alt = 0, start = 0;
            depth = 0;
            for (size_t k = 0; k <= inn; k++) {
                if (k < inn && (in[k] == '[' || in[k] == '{'))
                    depth++;
                else if (k < inn && (in[k] == ']' || in[k] == '}'))
                    depth--;
                else if (k == inn || (in[k] == '|' && depth == 0)) {
                    if (alt == want) {
                        expand(c, in + start, k - start);
                        break;
                    }
                    alt++;
                    start = k + 1;
                }
            }
        }
        i = e + 1;
    }
    c->depth--;
}

/* A template's gates: "~" makes it rare and "~~" rarer (the Prevent duty and
 * the verb "prevent" must not crowd the text as they would if drawn as often
 * as other sentences),
 * "^2017 text" applies from 2017. */
static int template_fits(ctx_t *c, const char *t, const char **body)
{
    if (t[0] == '~' && t[1] == '~') {
        t += 2;
        if (!rng_pct(&c->r, RARER_PCT))
            return 0;
    } else if (t[0] == '~') {
        t++;
        if (!rng_pct(&c->r, RARE_PCT))
            return 0;
    }
    if (t[0] == '^') {
        int y = atoi(t + 1);
        *body = t + 6;
        return c->year >= y;
    }
    *body = t;
    return 1;
}

static void sentence_from(ctx_t *c, const char *const *list, size_t n)
{
    const char *body = NULL;
    for (int tries = 0; tries < 40; tries++) {
        const char *t = list[rng_below(&c->r, (unsigned)n)];
        int seen = 0;
        for (unsigned k = 0; k < COUNT(c->recent) && tries < 12; k++)
            if (c->recent[k] == t)
                seen = 1;
        if (!seen && template_fits(c, t, &body)) {
            c->recent[c->nrecent++ % COUNT(c->recent)] = t;
            break;
        }
        body = NULL;
    }
    if (!body) {
        /* Every list has ungated templates; take the first one. */
        for (size_t i = 0; i < n && !body; i++)
            if (!template_fits(c, list[i], &body))
                body = NULL;
        if (!body)
            return;
    }
    size_t at = c->doc.len;
    c->depth = 0;
    expand(c, body, strlen(body));
    /* Empty alternatives leave double spaces and " ." behind: close them. */
    size_t w = at;
    for (size_t r = at; r < c->doc.len; r++) {
        char ch = c->doc.p[r];
        if (ch == ' ' && (r + 1 == c->doc.len || c->doc.p[r + 1] == ' ' ||
                          c->doc.p[r + 1] == '.' || c->doc.p[r + 1] == ','))
            continue;
        c->doc.p[w++] = ch;
    }
    c->doc.len = w;
    c->doc.p[w] = '\0';
    /* Sentences begin with a capital even when they begin with a slot. */
    if (c->doc.len > at && c->doc.p[at] >= 'a' && c->doc.p[at] <= 'z')
        c->doc.p[at] = (char)(c->doc.p[at] - 'a' + 'A');
}

static int topic_fits(const ctx_t *c, int t)
{
    if (t == T_REMOTE)
        return c->year >= 2020 && c->year <= 2023;
    /* Sixth form and specialist colleges have few or no apprentices. */
    int pt = c->pv->type;
    if ((t == T_APPR || t == T_EMPL) &&
        (pt == PT_SFC || pt == PT_ACAD || pt == PT_ISC || pt == PT_DANCE))
        return 0;
    return 1;
}

static void sentence(ctx_t *c, int topic, int pos)
{
    const topic_t *t = &TOPICS[topic];
    if (pos)
        sentence_from(c, t->pos, t->npos);
    else
        sentence_from(c, t->neg, t->nneg);
}

static void pick_subject(ctx_t *c)
{
    c->cur_subj = c->pv->subj[rng_below(&c->r, (unsigned)c->pv->nsubj)];
}

static int pick_topic(ctx_t *c, const int *topics)
{
    size_t n = 0;
    while (topics[n] >= 0)
        n++;
    for (int tries = 0; tries < 20; tries++) {
        int t = topics[rng_below(&c->r, (unsigned)n)];
        if (topic_fits(c, t))
            return t;
    }
    return topics[0];
}

static void page_mark(ctx_t *c)
{
    if (c->paginate)
        buf_add(&c->doc, (const char[]){PAGE_MARK}, 1);
}

/* One paragraph of 3-6 sentences on one topic (sometimes two). */
static void paragraph(ctx_t *c, const int *topics, unsigned pos_percent)
{
    pick_subject(c);
    int t = pick_topic(c, topics);
    unsigned n = rng_range(&c->r, 3, 6);
    /* A paragraph mostly argues one way, as inspectors write them. */
    int pos = rng_pct(&c->r, pos_percent);
    for (unsigned i = 0; i < n; i++) {
        if (i == n / 2 + 1 && rng_pct(&c->r, 30))
            t = pick_topic(c, topics);
        if (i)
            buf_puts(&c->doc, " ");
        sentence(c, t, rng_pct(&c->r, 85) ? pos : !pos);
    }
    buf_puts(&c->doc, "\n\n");
    page_mark(c);
}

static void bullet_start(ctx_t *c)
{
    buf_puts(&c->doc, c->md ? "- " : c->bullet);
}

static void bullets(ctx_t *c, const int *topics, unsigned count, int pos)
{
    for (unsigned i = 0; i < count; i++) {
        pick_subject(c);
        bullet_start(c);
        sentence(c, pick_topic(c, topics), pos);
        buf_puts(&c->doc, "\n");
    }
    buf_puts(&c->doc, "\n");
    page_mark(c);
}

static void actions(ctx_t *c, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        pick_subject(c);
        bullet_start(c);
        sentence_from(c, ACTION, COUNT(ACTION));
        buf_puts(&c->doc, "\n");
    }
    buf_puts(&c->doc, "\n");
    page_mark(c);
}

static void info_paragraph(ctx_t *c, unsigned n)
{
    pick_subject(c);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            buf_puts(&c->doc, " ");
        sentence_from(c, INFO, COUNT(INFO));
    }
    buf_puts(&c->doc, "\n\n");
    page_mark(c);
}

static void heading(ctx_t *c, int level, const char *text)
{
    if (c->md) {
        buf_puts(&c->doc, "\n");
        for (int i = 0; i < level; i++)
            buf_puts(&c->doc, "#");
        buf_printf(&c->doc, " %s\n\n", text);
    } else {
        buf_printf(&c->doc, "%s\n\n", text);
    }
}

static void table_row(ctx_t *c, const char *label, const char *value)
{
    if (c->md)
        buf_printf(&c->doc, "| %s | %s |\n", label, value);
    else
        buf_printf(&c->doc, "%s\t%s\t\n", label, value);
}

static void table_start(ctx_t *c)
{
    if (c->md)
        buf_puts(&c->doc, "|   |   |\n|---|---|\n");
}

static void table_end(ctx_t *c)
{
    buf_puts(&c->doc, "\n");
    page_mark(c);
}

/* Write paragraphs (and now and then a bullet list) until the document has
 * grown to `until` bytes; always at least one paragraph. */
static void fill(ctx_t *c, const int *topics, size_t until, unsigned pos_percent)
{
    int first = 1;
    while (first || c->doc.len < until) {
        first = 0;
        if (rng_pct(&c->r, 18))
            bullets(c, topics, rng_range(&c->r, 2, 5), rng_pct(&c->r, pos_percent));
        else
            paragraph(c, topics, pos_percent);
    }
}

/* ------------------------------------------------------------------ */
/* Dates as reports write them. */

static const char *DASHES[] = {"-", "-", "\xE2\x80\x93", " to ", " - "};

static void date_range_text(ctx_t *c, char *out, size_t n)
{
    date_t a = date_of(c->d0), b = date_of(c->d1);
    const char *dash = PICK(&c->r, DASHES);
    if (c->d0 == c->d1)
        snprintf(out, n, "%u %s %d", a.d, MONTH[a.m - 1], a.y);
    else if (a.m != b.m)
        snprintf(out, n, "%u %s%s%u %s %d", a.d, MONTH[a.m - 1],
                 strcmp(dash, " - ") == 0 ? "-" : dash, b.d, MONTH[b.m - 1], b.y);
    else if (c->d1 - c->d0 == 1 && rng_pct(&c->r, 30))
        snprintf(out, n, "%u and %u %s %d", a.d, b.d, MONTH[a.m - 1], a.y);
    else
        snprintf(out, n, "%u%s%u %s %d", a.d, dash, b.d, MONTH[a.m - 1], a.y);
}

static void date_text(long z, char *out, size_t n)
{
    date_t a = date_of(z);
    snprintf(out, n, "%u %s %d", a.d, MONTH[a.m - 1], a.y);
}

static void iso_date(long z, char *out, size_t n)
{
    date_t a = date_of(z);
    snprintf(out, n, "%04d-%02u-%02u", a.y, a.m, a.d);
}

/* Pick an inspection start in [from, to] (days), on a Monday or Tuesday, in
 * term time. */
static long pick_start(rng_t *r, long from, long to)
{
    for (int tries = 0; tries < 100; tries++) {
        long z = from + (long)rng_below(r, (unsigned)(to - from + 1));
        /* 1970-01-01 was a Thursday: weekday 0 = Monday. */
        long wd = ((z % 7) + 7 + 3) % 7;
        z += (7 - wd) % 7 + (rng_pct(r, 30) ? 1 : 0);
        date_t d = date_of(z);
        if (d.m == 8 && !rng_pct(r, 10))
            continue;
        if ((d.m == 12 && d.d > 16) || (d.m == 1 && d.d < 3))
            continue; /* Christmas */
        if (z > to)
            continue;
        return z;
    }
    return from;
}

/* ------------------------------------------------------------------ */
/* Section topic sets. */

static const int S_LEAD[] = {T_LEAD, T_GOV, T_QUAL, T_STAFF, T_SUBCON, T_EMPL, T_LEAD, -1};
static const int S_TEACH[] = {T_TEACH, T_ASSESS, T_REVIEW, T_ENGMATH, T_TEACH, T_CURR, T_REMOTE, -1};
static const int S_PERS[] = {T_PERS, T_ATTEND, T_SAFE, T_PERS, -1};
static const int S_OUTC[] = {T_OUTC, T_OUTC, T_ENGMATH, T_REVIEW, -1};
static const int S_SAFE[] = {T_SAFE, -1};
static const int S_APPR[] = {T_APPR, T_APPR, T_REVIEW, T_EMPL, T_ASSESS, T_TEACH, T_ENGMATH, -1};
static const int S_STUDY[] = {T_TEACH, T_ENGMATH, T_PERS, T_ATTEND, T_OUTC, T_CURR, -1};
static const int S_ADULT[] = {T_ADULT, T_ADULT, T_TEACH, T_OUTC, T_ENGMATH, -1};
static const int S_SEND[] = {T_SEND, T_SEND, T_PERS, T_TEACH, -1};
static const int S_ALL[] = {T_LEAD, T_GOV, T_QUAL, T_TEACH, T_ASSESS, T_APPR, T_REVIEW,
    T_ENGMATH, T_SAFE, T_PERS, T_OUTC, T_ATTEND, T_STAFF, T_SEND, T_SUBCON, T_CURR,
    T_REMOTE, T_EMPL, -1};
static const int S_SUMMARY[] = {T_LEAD, T_TEACH, T_APPR, T_OUTC, T_SAFE, T_ENGMATH,
    T_STAFF, T_REVIEW, T_GOV, T_PERS, -1};

/* Types of provision a provider of this type offers (era B/C tables). */
static int provision_types(ctx_t *c, const char **out, int max)
{
    int n = 0;
    int t = c->pv->type;
    const char *young = c->era == ERA_C ? "Education programmes for young people"
                                        : "16 to 19 study programmes";
    if (t == PT_ILP || t == PT_EMP) {
        out[n++] = "Apprenticeships";
        if (rng_below(&c->r, 2) && n < max)
            out[n++] = "Adult learning programmes";
        if (t == PT_ILP && c->year < 2022 && rng_below(&c->r, 3) == 0 && n < max)
            out[n++] = c->era == ERA_C ? young : "Traineeships";
    } else if (t == PT_LA) {
        out[n++] = "Adult learning programmes";
        if (n < max && rng_below(&c->r, 2))
            out[n++] = "Apprenticeships";
    } else if (t == PT_ISC) {
        out[n++] = "Provision for learners with high needs";
    } else if (t == PT_SFC || t == PT_ACAD) {
        out[n++] = young;
        if (n < max && rng_below(&c->r, 2))
            out[n++] = "Adult learning programmes";
    } else {
        out[n++] = young;
        out[n++] = "Adult learning programmes";
        out[n++] = "Apprenticeships";
        if (n < max && rng_below(&c->r, 2))
            out[n++] = "Provision for learners with high needs";
        if (n < max && c->era == ERA_B && rng_below(&c->r, 4) == 0)
            out[n++] = "Full-time provision for 14- to 16-year-olds";
    }
    return n;
}

static const int *provision_topics(const char *name)
{
    if (strstr(name, "Apprentice"))
        return S_APPR;
    if (strstr(name, "Adult"))
        return S_ADULT;
    if (strstr(name, "high needs"))
        return S_SEND;
    return S_STUDY;
}

/* A nearby grade for sub-judgements: mostly the overall grade. */
static int near_grade(ctx_t *c, int g)
{
    unsigned x = rng_below(&c->r, 100);
    int v = g;
    if (x < 18)
        v = g - 1;
    else if (x < 32)
        v = g + 1;
    return v < 1 ? 1 : (v > 4 ? 4 : v);
}

static const char *inspector_title(const ctx_t *c)
{
    /* HMI became "His Majesty's Inspector" in September 2022. */
    return c->d0 >= days_from_civil(2022, 9, 8) ? "His Majesty's Inspector"
                                                 : "Her Majesty's Inspector";
}

static void inspection_team(ctx_t *c)
{
    char who[64];
    unsigned n = rng_range(&c->r, 2, 6);
    heading(c, 3, "Inspection team");
    for (unsigned i = 0; i < n; i++) {
        make_person(&c->r, who, sizeof who);
        const char *role = i == 0 ? (c->md ? "lead inspector" : "lead inspector")
                                  : "";
        const char *title = (i == 0 || rng_pct(&c->r, 30)) ? inspector_title(c)
                                                           : "Ofsted Inspector";
        if (c->md)
            buf_printf(&c->doc, "| %s%s%s | %s |\n", who, *role ? ", " : "", role, title);
        else
            buf_printf(&c->doc, "%s%s%s\t%s\n", who, *role ? ", " : "", role, title);
    }
    buf_puts(&c->doc, "\n");
}

/* Expand a template written with printf values already filled in. */
static void emit(ctx_t *c, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        die("template too long");
    c->depth = 0;
    expand(c, tmp, (size_t)n);
}

static void boilerplate_inspection(ctx_t *c)
{
    emit(c, "The inspection team was assisted by the %s, as nominee. Inspectors "
            "took account of the provider's most recent self-assessment report "
            "and [development plans|quality improvement plan], and the previous "
            "inspection report. Inspectors [used|drew on] group and individual "
            "interviews, online questionnaires, [observations of learning|visits "
            "to learning sessions and workplaces] and reviews of [learners' "
            "work|learning records] to gather evidence.\n\n",
         rng_pct(&c->r, 50) ? "quality manager" : "director of quality");
    page_mark(c);
}

/* ------------------------------------------------------------------ */
/* Era A: 2005-2012 ("Overall effectiveness of provision: Grade 2"). */

static void write_era_a(ctx_t *c, size_t target)
{
    char dates[96], who[64];
    unsigned pp = pos_pct(c->grade);
    make_person(&c->r, who, sizeof who);
    buf_printf(&c->doc, "%s\n\n", c->pv->name);
    buf_puts(&c->doc, "Inspection report\n\n");
    buf_printf(&c->doc, "Unique reference number:\t%u\n", c->pv->urn);
    buf_printf(&c->doc, "Name of lead inspector:\t%s HMI\n", who);
    if (rng_pct(&c->r, 55)) {
        date_text(c->d1, dates, sizeof dates);
        buf_printf(&c->doc, "Last day of inspection:\t%s\n", dates);
    } else {
        buf_printf(&c->doc, "Dates of inspection:\t%s\n", c->dates);
    }
    buf_printf(&c->doc, "Type of provider:\t%s\n", PTYPE[c->pv->type].label);
    buf_printf(&c->doc, "Address:\t%s\n", c->pv->address);
    buf_printf(&c->doc, "Telephone number:\t%s\n\n", c->pv->phone);
    page_mark(c);

    heading(c, 2, "Information about the provider");
    for (unsigned i = 1, n = rng_range(&c->r, 2, 4); i <= n; i++) {
        buf_printf(&c->doc, "%u. ", i);
        info_paragraph(c, rng_range(&c->r, 2, 3));
    }

    heading(c, 2, "Summary of grades awarded");
    buf_printf(&c->doc, "Effectiveness of provision\t%s: Grade %d\n",
               grade_word(ERA_A, c->grade), c->grade);
    int cap = near_grade(c, c->grade);
    buf_printf(&c->doc, "Capacity to improve\t%s: Grade %d\n\n", grade_word(ERA_A, cap), cap);
    static const char *const rows[] = {"Achievement and standards", "Quality of provision",
        "Leadership and management", "Equality of opportunity",
        "Safeguarding"};
    int rg[COUNT(rows)];
    for (size_t i = 0; i < COUNT(rows); i++) {
        rg[i] = near_grade(c, c->grade);
        buf_printf(&c->doc, "%s%s\t%s: Grade %d\n", rows[i],
                   i >= 3 ? " (contributory grade)" : "", grade_word(ERA_A, rg[i]), rg[i]);
    }
    buf_puts(&c->doc, "\nSector subject area\n");
    int ssa_seen[COUNT(SSA)] = {0};
    int areas[6], nareas = 0;
    for (int i = 0; i < c->pv->nsubj; i++) {
        int s = SUBJECT[c->pv->subj[i]].ssa;
        if (ssa_seen[s])
            continue;
        ssa_seen[s] = 1;
        areas[nareas++] = c->pv->subj[i];
    }
    int ag[6];
    for (int i = 0; i < nareas; i++) {
        ag[i] = near_grade(c, c->grade);
        buf_printf(&c->doc, "%s\t%s: Grade %d\n", SSA[SUBJECT[areas[i]].ssa],
                   grade_word(ERA_A, ag[i]), ag[i]);
    }
    buf_puts(&c->doc, "\n");
    page_mark(c);

    heading(c, 2, "Overall judgement");
    heading(c, 3, "Effectiveness of provision");
    buf_printf(&c->doc, "Overall effectiveness of provision: Grade %d\n\n", c->grade);
    paragraph(c, S_SUMMARY, pp);
    buf_printf(&c->doc, "Capacity to improve: Grade %d\n\n", cap);
    paragraph(c, S_LEAD, pos_pct(cap));

    heading(c, 3, "Key strengths");
    bullets(c, S_SUMMARY, rng_range(&c->r, 3, 7), 1);
    heading(c, 3, "Important areas for improvement");
    bullets(c, S_SUMMARY, rng_range(&c->r, 2, 6), 0);

    heading(c, 2, "Main findings");
    size_t body_end = target > 2500 ? target - 2500 : target;
    size_t start = c->doc.len;
    size_t share = body_end > start ? (body_end - start) / (size_t)(5 + nareas) : 0;
    static const int *const topics[] = {S_OUTC, S_TEACH, S_LEAD, S_PERS, S_SAFE};
    for (size_t i = 0; i < COUNT(rows); i++) {
        char h[96];
        snprintf(h, sizeof h, "%s\tGrade %d", rows[i], rg[i]);
        heading(c, 3, i == 0 ? h : rows[i]);
        if (i == 4)
            buf_puts(&c->doc, rg[i] <= 3 ? "The arrangements for safeguarding learners "
                                           "meet current government requirements.\n\n"
                                         : "Arrangements for safeguarding learners are "
                                           "inadequate.\n\n");
        fill(c, topics[i], c->doc.len + share, pos_pct(rg[i]));
    }
    heading(c, 2, "Sector subject areas");
    for (int i = 0; i < nareas; i++) {
        char h[160];
        snprintf(h, sizeof h, "%s\t%s: Grade %d", SSA[SUBJECT[areas[i]].ssa],
                 grade_word(ERA_A, ag[i]), ag[i]);
        heading(c, 3, h);
        heading(c, 4, "Context");
        c->cur_subj = areas[i];
        buf_printf(&c->doc, "The provider offers courses in %s from entry level to "
                   "level %u. There are %u learners, of whom %u%% are aged 16 to 18.\n\n",
                   SUBJECT[areas[i]].name, rng_range(&c->r, 2, 4),
                   rng_range(&c->r, 40, 900), rng_range(&c->r, 20, 80));
        heading(c, 4, "Strengths");
        bullets(c, S_TEACH, rng_range(&c->r, 2, 5), 1);
        heading(c, 4, "Areas for improvement");
        bullets(c, S_TEACH, rng_range(&c->r, 1, 4), 0);
        fill(c, S_TEACH, c->doc.len + share / 2, pos_pct(ag[i]));
    }
    heading(c, 2, "Learners' achievements");
    fill(c, S_OUTC, target > 900 ? target - 900 : target, pp);
    heading(c, 2, "Information about the inspection");
    boilerplate_inspection(c);
}

/* ------------------------------------------------------------------ */
/* Era B: 2012-2019 (grade table, "Summary of key findings"). */

static const char *provider_is(int g, int early)
{
    if (early) {
        static const char *const e[] = {"This is an outstanding provider.",
            "This is a good provider.", "This provider requires improvement because:",
            "This is an inadequate provider because:"};
        return e[g - 1];
    }
    static const char *const l[] = {"This is an outstanding provider",
        "This is a good provider", "This provider requires improvement",
        "This is an inadequate provider"};
    return l[g - 1];
}

static void write_era_b(ctx_t *c, size_t target, int early)
{
    const char *dates = c->dates;
    unsigned pp = pos_pct(c->grade);
    const char *types[6];
    int ntypes = provision_types(c, types, 5);
    int tg[6];
    for (int i = 0; i < ntypes; i++)
        tg[i] = near_grade(c, c->grade);
    static const char *const rows[] = {"Effectiveness of leadership and management",
        "Quality of teaching, learning and assessment",
        "Personal development, behaviour and welfare", "Outcomes for learners"};
    static const char *const rows_early[] = {"Outcomes for learners",
        "Quality of teaching, learning and assessment",
        "Effectiveness of leadership and management"};
    const char *const *rr = early ? rows_early : rows;
    size_t nrows = early ? COUNT(rows_early) : COUNT(rows);
    int rg[4];
    for (size_t i = 0; i < nrows; i++)
        rg[i] = near_grade(c, c->grade);

    buf_printf(&c->doc, "\n%s\n\n%s\n\n", c->pv->name, PTYPE[c->pv->type].label);
    if (!early) {
        buf_printf(&c->doc, "Inspection dates\t%s\t\n", dates);
        buf_printf(&c->doc, "Overall effectiveness\t%s\t\n", grade_word(ERA_B, c->grade));
        for (size_t i = 0; i < nrows; i++)
            buf_printf(&c->doc, "%s\t%s\t\n", rr[i], grade_word(ERA_B, rg[i]));
        for (int i = 0; i < ntypes; i++)
            buf_printf(&c->doc, "%s\t%s\t\n", types[i], grade_word(ERA_B, tg[i]));
        buf_printf(&c->doc, "Overall effectiveness at previous inspection\t%s\t\n\n",
                   grade_word(ERA_A, c->prev_grade));
    } else {
        buf_printf(&c->doc, "Inspection dates\t%s\n\n", dates);
        buf_printf(&c->doc, "Overall effectiveness\tThis inspection:\t%s\t%d\n",
                   grade_word(ERA_B, c->grade), c->grade);
        buf_printf(&c->doc, "\tPrevious inspection:\t%s\t%d\n",
                   grade_word(ERA_A, c->prev_grade), c->prev_grade);
        for (size_t i = 0; i < nrows; i++)
            buf_printf(&c->doc, "%s\t%s\t%d\n", rr[i], grade_word(ERA_B, rg[i]), rg[i]);
        buf_puts(&c->doc, "\n");
    }
    page_mark(c);

    heading(c, 2, early ? "Summary of key findings for learners" : "Summary of key findings");
    if (early) {
        buf_printf(&c->doc, "%s\n\n", provider_is(c->grade, 1));
        bullets(c, S_SUMMARY, rng_range(&c->r, 3, 6), c->grade <= 2);
        heading(c, 3, "This provider has the following strengths:");
        bullets(c, S_SUMMARY, rng_range(&c->r, 2, 5), 1);
    } else {
        buf_printf(&c->doc, "%s\n\n", provider_is(c->grade, 0));
        bullets(c, S_SUMMARY, rng_range(&c->r, 4, 9), c->grade <= 2);
        if (c->grade >= 3)
            bullets(c, S_SUMMARY, rng_range(&c->r, 2, 5), 0);
        heading(c, 3, "The provider has the following strengths");
        bullets(c, S_SUMMARY, rng_range(&c->r, 1, 6), 1);
    }
    page_mark(c);

    heading(c, 2, "Full report");
    heading(c, 3, "Information about the provider");
    info_paragraph(c, rng_range(&c->r, 3, 5));
    info_paragraph(c, rng_range(&c->r, 2, 3));

    heading(c, 3, "What does the provider need to do to improve further?");
    actions(c, rng_range(&c->r, 3, 7));

    heading(c, 2, "Inspection judgements");
    size_t body_end = target > 2200 ? target - 2200 : target;
    size_t start = c->doc.len;
    size_t share = body_end > start ? (body_end - start) / (nrows + (size_t)ntypes) : 0;
    for (size_t i = 0; i < nrows; i++) {
        heading(c, 3, rr[i]);
        const int *topics = strstr(rr[i], "leadership") ? S_LEAD
                          : strstr(rr[i], "teaching") ? S_TEACH
                          : strstr(rr[i], "Personal") ? S_PERS : S_OUTC;
        fill(c, topics, c->doc.len + share, pos_pct(rg[i]));
        if (topics == S_LEAD || topics == S_PERS)
            paragraph(c, S_SAFE, pos_pct(rg[i]));
    }
    heading(c, 2, "Types of provision");
    for (int i = 0; i < ntypes; i++) {
        heading(c, 3, types[i]);
        buf_printf(&c->doc, "%s\n\n", grade_word(ERA_B, tg[i]));
        fill(c, provision_topics(types[i]), c->doc.len + share, pos_pct(tg[i]));
    }
    fill(c, S_ALL, body_end, pp);

    heading(c, 2, "Provider details");
    char who[64];
    make_person(&c->r, who, sizeof who);
    buf_printf(&c->doc, "Unique reference number\t%u\n", c->pv->urn);
    buf_printf(&c->doc, "Type of provider\t%s\n", PTYPE[c->pv->type].label);
    buf_printf(&c->doc, "Age range of learners\t%s\n",
               rng_pct(&c->r, 50) ? "16+" : "16-18/19+");
    buf_printf(&c->doc, "Approximate number of all learners over the previous full "
               "contract year\t%u\n", rng_range(&c->r, 150, 14000));
    buf_printf(&c->doc, "Principal/CEO\t%s\n", c->pv->principal);
    buf_printf(&c->doc, "Telephone number\t%s\n", c->pv->phone);
    buf_printf(&c->doc, "Website\t%s\n\n", c->pv->web);
    page_mark(c);
    heading(c, 2, "Information about this inspection");
    boilerplate_inspection(c);
    inspection_team(c);
}

/* ------------------------------------------------------------------ */
/* Era C: 2019-2025 (education inspection framework). */

static void write_era_c(ctx_t *c, size_t target)
{
    const char *dates = c->dates;
    unsigned pp = pos_pct(c->grade);
    const char *types[6];
    int ntypes = provision_types(c, types, 4);
    static const char *const rows[] = {"The quality of education", "Behaviour and attitudes",
        "Personal development", "Leadership and management"};
    int rg[COUNT(rows)], tg[6];
    for (size_t i = 0; i < COUNT(rows); i++)
        rg[i] = near_grade(c, c->grade);
    for (int i = 0; i < ntypes; i++)
        tg[i] = near_grade(c, c->grade);

    if (c->md) {
        buf_printf(&c->doc, "# Inspection of %s\n\n", c->pv->name);
        buf_printf(&c->doc, "**Inspection dates:** %s\n\n", dates);
    } else {
        buf_printf(&c->doc, "\nInspection of %s\n\n", c->pv->name);
        buf_printf(&c->doc, "Inspection dates:\t%s\n\n", dates);
    }
    table_start(c);
    table_row(c, "Overall effectiveness", grade_word(ERA_C, c->grade));
    for (size_t i = 0; i < COUNT(rows); i++)
        table_row(c, rows[i], grade_word(ERA_C, rg[i]));
    for (int i = 0; i < ntypes; i++)
        table_row(c, types[i], grade_word(ERA_C, tg[i]));
    table_row(c, "Overall effectiveness at previous inspection",
              grade_word(ERA_B, c->prev_grade));
    table_end(c);

    heading(c, 2, "Information about this provider");
    info_paragraph(c, rng_range(&c->r, 3, 5));
    info_paragraph(c, rng_range(&c->r, 2, 4));

    heading(c, 2, "What is it like to be a learner with this provider?");
    static const int S_LIKE[] = {T_PERS, T_ATTEND, T_TEACH, T_SAFE, T_APPR, T_SEND, -1};
    for (unsigned i = 0, n = rng_range(&c->r, 3, 5); i < n; i++)
        paragraph(c, S_LIKE, pp);

    heading(c, 2, "What does the provider do well and what does it need to do better?");
    size_t body_end = target > 2600 ? target - 2600 : target;
    fill(c, S_ALL, body_end, pp);

    heading(c, 2, "Safeguarding");
    int safe_ok = c->grade < 4 || rng_pct(&c->r, 40);
    buf_printf(&c->doc, "The arrangements for safeguarding are %s.\n\n",
               safe_ok ? "effective" : "not effective");
    unsigned sp = safe_ok ? 85 : 15;
    for (unsigned i = 0, n = rng_range(&c->r, 1, 3); i < n; i++)
        paragraph(c, S_SAFE, sp);

    heading(c, 2, "What does the provider need to do to improve?");
    actions(c, rng_range(&c->r, 2, 6));

    heading(c, 2, "Provider details");
    char prev[48], who[64];
    date_text(c->d0 - (long)rng_range(&c->r, 700, 2200), prev, sizeof prev);
    make_person(&c->r, who, sizeof who);
    if (c->md) {
        buf_puts(&c->doc, "|   |   |\n|---|---|\n");
        buf_printf(&c->doc, "| <b>Unique reference number</b> | %u |\n", c->pv->urn);
        buf_printf(&c->doc, "| <b>Address</b> | %s |\n", c->pv->address);
        buf_printf(&c->doc, "| <b>Contact number</b> | %s |\n", c->pv->phone);
        buf_printf(&c->doc, "| <b>Website</b> | %s |\n", c->pv->web);
        buf_printf(&c->doc, "| <b>Principal/CEO</b> | %s |\n", c->pv->principal);
        buf_printf(&c->doc, "| <b>Provider type</b> | %s |\n", PTYPE[c->pv->type].label);
        buf_printf(&c->doc, "| <b>Date of previous inspection</b> | %s |\n", prev);
        buf_printf(&c->doc, "| <b>Main subcontractors</b> | %s |\n\n",
                   rng_pct(&c->r, 60) ? "None" : c->pv->place);
    } else {
        buf_printf(&c->doc, "Unique reference number\t%u\n", c->pv->urn);
        buf_printf(&c->doc, "Address\t%s\n", c->pv->address);
        buf_printf(&c->doc, "Contact number\t%s\n", c->pv->phone);
        buf_printf(&c->doc, "Website\t%s\n", c->pv->web);
        buf_printf(&c->doc, "%s\t%s\n", c->pv->type == PT_LA ? "Nominated person" : "Principal/CEO",
                   c->pv->type == PT_LA ? who : c->pv->principal);
        buf_printf(&c->doc, "Provider type\t%s\n", PTYPE[c->pv->type].label);
        buf_printf(&c->doc, "Date of previous inspection\t%s\n", prev);
        buf_printf(&c->doc, "Main subcontractors\t%s\n\n",
                   rng_pct(&c->r, 60) ? "None" : "Not applicable");
    }
    page_mark(c);
    heading(c, 2, "Information about this inspection");
    boilerplate_inspection(c);
    inspection_team(c);
}

/* ------------------------------------------------------------------ */
/* Monitoring visits. */

typedef struct {
    const char *q;
    const int *topics;
} theme_t;

static const int S_TH_REQ[] = {T_APPR, T_LEAD, T_GOV, T_SUBCON, -1};
static const int S_TH_TRAIN[] = {T_APPR, T_TEACH, T_REVIEW, T_ASSESS, T_OUTC, -1};
static const int S_TH_SAFE[] = {T_SAFE, -1};
static const int S_TH_REMOTE[] = {T_REMOTE, T_TEACH, T_CURR, -1};

static const theme_t NEW_THEMES[] = {
    {"How much progress have leaders made in making sure that the provider meets every "
     "requirement of successful apprenticeship provision?", S_TH_REQ},
    {"What progress have leaders and managers made in making sure that apprentices "
     "benefit from high-quality training that leads to positive outcomes?", S_TH_TRAIN},
    {"How much progress have leaders and managers made in making sure that effective "
     "safeguarding arrangements are in place?", S_TH_SAFE},
};

static const int S_TH_ACH[] = {T_OUTC, T_REVIEW, -1};
static const int S_TH_TEACH[] = {T_TEACH, T_ASSESS, -1};
static const int S_TH_GOV[] = {T_GOV, T_LEAD, T_QUAL, -1};
static const int S_TH_EM[] = {T_ENGMATH, -1};
static const int S_TH_OTJ[] = {T_APPR, T_EMPL, -1};
static const int S_TH_CAREERS[] = {T_PERS, -1};
static const int S_TH_QUAL[] = {T_QUAL, T_STAFF, -1};

static const theme_t REINSP_THEMES[] = {
    {"What progress have leaders and managers made in improving achievement rates, "
     "particularly for apprentices?", S_TH_ACH},
    {"What progress have leaders and managers made in improving the quality of "
     "teaching, learning and assessment?", S_TH_TEACH},
    {"How much progress have leaders made in strengthening governance and oversight "
     "of the provision?", S_TH_GOV},
    {"What progress have leaders made in improving the teaching of English and "
     "mathematics?", S_TH_EM},
    {"How much progress have managers made in making sure that apprentices receive "
     "well-planned off-the-job training?", S_TH_OTJ},
    {"What progress have leaders made in improving careers guidance and learners' "
     "understanding of British values?", S_TH_CAREERS},
    {"How effective are leaders' actions to improve self-assessment and quality "
     "improvement planning?", S_TH_QUAL},
    {"What progress have leaders and managers made in making sure that safeguarding "
     "arrangements are effective and that the Prevent duty is implemented fully?",
     S_TH_SAFE},
};

static const theme_t PROGRESS_THEMES[] = {
    {"What progress have leaders and those responsible for governance made in making "
     "sure that staff teach a curriculum that meets learners' needs, including through "
     "remote learning?", S_TH_REMOTE},
    {"How much progress have leaders made in making sure that learners benefit from "
     "safeguarding arrangements that keep them safe, including when learning "
     "remotely?", S_TH_SAFE},
    {"What progress have leaders made in making sure that apprentices develop "
     "substantial new knowledge, skills and behaviours?", S_TH_TRAIN},
};

static void write_monitoring(ctx_t *c, size_t target, int judgements[], int *nj)
{
    const char *dates = c->dates;
    char who[64];
    make_person(&c->r, who, sizeof who);
    const char *title = c->mon_kind == MON_NEW ? "New provider monitoring visit report"
                      : c->mon_kind == MON_REINSP ? "Reinspection monitoring visit report"
                      : "Monitoring visit report";
    if (c->md) {
        buf_printf(&c->doc, "# %s\n\n%s\n\n---\n\n", c->pv->name, title);
        buf_puts(&c->doc, "|   |   |\n|---|---|\n");
        buf_printf(&c->doc, "| <b>Unique reference number:</b> | %u |\n", c->pv->urn);
        buf_printf(&c->doc, "| <b>Name of lead inspector:</b> | %s, %s |\n", who,
                   inspector_title(c));
        buf_printf(&c->doc, "| <b>Inspection dates:</b> | %s |\n", dates);
        buf_printf(&c->doc, "| <b>Type of provider:</b> | %s |\n", PTYPE[c->pv->type].label);
        buf_printf(&c->doc, "| <b>Address:</b> | %s |\n\n", c->pv->address);
    } else {
        buf_printf(&c->doc, "\n%s\n\n%s\n\n", title, c->pv->name);
        buf_printf(&c->doc, "Unique reference number:\t%u\n", c->pv->urn);
        buf_printf(&c->doc, "Name of lead inspector:\t%s, %s\n", who, inspector_title(c));
        buf_printf(&c->doc, "Inspection dates:\t%s\n", dates);
        buf_printf(&c->doc, "Type of provider:\t%s\n", PTYPE[c->pv->type].label);
        buf_printf(&c->doc, "Address:\t%s\n\n", c->pv->address);
    }
    page_mark(c);
    heading(c, 2, "Monitoring visit: main findings");
    heading(c, 3, "Context and focus of visit");
    info_paragraph(c, rng_range(&c->r, 3, 5));
    if (c->mon_kind == MON_NEW)
        buf_printf(&c->doc, "This visit was part of a programme of new provider monitoring "
                   "visits to providers that are newly directly funded to deliver "
                   "apprenticeship training. Leaders began to deliver levy-funded "
                   "apprenticeships in %d.\n\n", c->year - 1 - (int)rng_below(&c->r, 2));
    else if (c->mon_kind == MON_REINSP)
        buf_printf(&c->doc, "At the previous inspection, the provider was judged to be %s. "
                   "This visit was the first of a series of reinspection monitoring "
                   "visits to check the progress leaders are making against the areas "
                   "for improvement.\n\n", c->prev_grade == 4 ? "inadequate"
                                                              : "in need of improvement");
    else
        emit(c, "Inspectors carried out this visit [remotely|on site and "
                 "remotely] because of the restrictions in place during the COVID-19 "
                 "pandemic, so the range of evidence was narrower than at a full "
                 "inspection.\n\n");
    page_mark(c);

    const theme_t *themes;
    size_t nthemes;
    if (c->mon_kind == MON_NEW) {
        themes = NEW_THEMES;
        nthemes = COUNT(NEW_THEMES);
    } else if (c->mon_kind == MON_PROGRESS) {
        themes = PROGRESS_THEMES;
        nthemes = rng_range(&c->r, 1, COUNT(PROGRESS_THEMES));
    } else {
        themes = REINSP_THEMES;
        nthemes = rng_range(&c->r, 3, 5);
    }
    heading(c, 3, nthemes == 1 ? "Theme" : "Themes");
    size_t body_end = target > 1200 ? target - 1200 : target;
    size_t start = c->doc.len;
    size_t share = body_end > start ? (body_end - start) / nthemes : 0;
    /* Reinspection themes: a random selection, without repeats. */
    size_t order[COUNT(REINSP_THEMES)];
    for (size_t i = 0; i < COUNT(REINSP_THEMES); i++)
        order[i] = i;
    if (themes == REINSP_THEMES)
        for (size_t i = COUNT(REINSP_THEMES) - 1; i > 0; i--) {
            size_t j = rng_below(&c->r, (unsigned)(i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    int worst = 0;
    *nj = 0;
    for (size_t i = 0; i < nthemes; i++) {
        const theme_t *th = &themes[themes == REINSP_THEMES ? order[i] : i];
        /* 0 significant, 1 reasonable, 2 insufficient. */
        unsigned x = rng_below(&c->r, 100);
        int j = x < 20 ? 0 : (x < 90 ? 1 : 2);
        if (j > worst)
            worst = j;
        judgements[(*nj)++] = j;
        const char *jw = PROGRESS_WORD[j];
        char glued[40];
        if (!c->md && rng_pct(&c->r, 8)) {
            /* Old extractions lose the space: "Reasonableprogress". */
            const char *sp = strchr(jw, ' ');
            snprintf(glued, sizeof glued, "%.*s%s", (int)(sp - jw), jw, sp + 1);
            jw = glued;
        }
        if (c->md)
            buf_printf(&c->doc, "**%s** **%s**\n\n", th->q, jw);
        else
            buf_printf(&c->doc, "%s\t%s\n\n", th->q, jw);
        unsigned pp = j == 0 ? 85 : (j == 1 ? 60 : 20);
        fill(c, th->topics, c->doc.len + share, pp);
    }
    c->grade = worst; /* reused by the caller for the manifest */
    (void)title;
}

/* ------------------------------------------------------------------ */
/* Finishing a document: page breaks, apostrophes. */

#define PAGE_BYTES 3600

static void finish(ctx_t *c, int curly, const char *running_head, buf_t *out)
{
    /* Count the pages first so footers can say "Page 3 of 14". */
    unsigned pages = 1;
    size_t since = 0;
    for (size_t i = 0; i < c->doc.len; i++) {
        since++;
        if (c->doc.p[i] == PAGE_MARK && since >= PAGE_BYTES) {
            pages++;
            since = 0;
        }
    }
    unsigned page = 1;
    since = 0;
    out->len = 0;
    for (size_t i = 0; i < c->doc.len; i++) {
        char ch = c->doc.p[i];
        since++;
        if (ch == PAGE_MARK) {
            if (since >= PAGE_BYTES) {
                buf_printf(out, "Page %u of %u\n\f%s\n\n", page, pages, running_head);
                page++;
                since = 0;
            }
            continue;
        }
        if (ch == '\'' && curly)
            buf_add(out, "\xE2\x80\x99", 3);
        else
            buf_add(out, &ch, 1);
    }
    if (c->paginate)
        buf_printf(out, "Page %u of %u\n", page, pages);
}

/* ------------------------------------------------------------------ */
/* Files. */

static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char save = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return -1;
            tmp[i] = save;
        }
    }
    return 0;
}

static void write_plain(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write %s: %s", path, strerror(errno));
    if (fwrite(p, 1, n, f) != n || fclose(f) != 0)
        die("cannot write %s: %s", path, strerror(errno));
}

/* gzip through the gzip program: no zlib needed, and `-n` keeps the output
 * byte-identical across runs (no name or time stamp). */
static void write_gzip(const char *path, const char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        die("cannot write %s: %s", path, strerror(errno));
    int pfd[2];
    if (pipe(pfd) != 0)
        die("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(pfd[0], 0);
        dup2(fd, 1);
        close(pfd[0]);
        close(pfd[1]);
        close(fd);
        execlp("gzip", "gzip", "-9n", (char *)NULL);
        _exit(127);
    }
    close(pfd[0]);
    close(fd);
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(pfd[1], p + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die("writing to gzip for %s: %s", path, strerror(errno));
        }
        off += (size_t)w;
    }
    close(pfd[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("gzip failed for %s (is gzip installed?)", path);
}

/* ------------------------------------------------------------------ */
/* One report. */

typedef struct {
    uint64_t seed;
    unsigned gzip_every;
    unsigned md_percent;
    int flat;
    const char *out;
    FILE *manifest;
} opts_t;

static void make_report(const opts_t *o, unsigned i, buf_t *out, provider_t *pv)
{
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.r = rng_derive(o->seed, 2, i);
    /* Blocks of 24 reports share 8 providers, so a provider has about three
     * inspections and report i does not depend on how many reports there are. */
    provider_make(o->seed, (i / 24) * 8 + rng_below(&c.r, 8), pv);
    c.pv = pv;

    /* Era mix roughly as in the archive since 2005. */
    unsigned x = rng_below(&c.r, 100);
    c.era = x < 22 ? ERA_A : x < 32 ? ERA_B12 : x < 56 ? ERA_B : x < 84 ? ERA_C : ERA_MON;
    long from, to;
    switch (c.era) {
    case ERA_A:
        from = days_from_civil(2005, 9, 1);
        to = days_from_civil(2012, 7, 20);
        break;
    case ERA_B12:
        from = days_from_civil(2012, 9, 3);
        to = days_from_civil(2015, 7, 20);
        break;
    case ERA_B:
        from = days_from_civil(2015, 9, 7);
        to = days_from_civil(2019, 7, 19);
        break;
    case ERA_C:
        from = days_from_civil(2019, 9, 9);
        to = days_from_civil(2025, 7, 18);
        break;
    default:
        from = days_from_civil(2011, 9, 5);
        to = days_from_civil(2025, 10, 31);
        break;
    }
    if (c.era == ERA_MON) {
        /* New provider monitoring came with the levy (2018); remote
         * progress visits belong to 2020-21. */
        unsigned k = rng_below(&c.r, 100);
        if ((pv->type == PT_ILP || pv->type == PT_EMP) && k < 50) {
            c.mon_kind = MON_NEW;
            from = days_from_civil(2018, 1, 8);
        } else if (k < 70) {
            c.mon_kind = MON_PROGRESS;
            from = days_from_civil(2020, 9, 14);
            to = days_from_civil(2021, 7, 16);
        } else {
            c.mon_kind = MON_REINSP;
        }
    }
    for (int tries = 0; tries < 20; tries++) {
        c.d0 = pick_start(&c.r, from, to);
        date_t d = date_of(c.d0);
        /* No full inspections between March and September 2020. */
        if (c.era == ERA_C && c.d0 >= days_from_civil(2020, 3, 16) &&
            c.d0 < days_from_civil(2020, 10, 1))
            continue;
        (void)d;
        break;
    }
    unsigned len_days = c.era == ERA_MON ? rng_range(&c.r, 0, 1) : rng_range(&c.r, 2, 4);
    c.d1 = c.d0 + len_days;
    c.year = date_of(c.d0).y;

    static const unsigned gw[] = {10, 48, 30, 12};
    unsigned gx = rng_below(&c.r, 100), acc = 0;
    c.grade = 4;
    for (int g = 0; g < 4; g++) {
        acc += gw[g];
        if (gx < acc) {
            c.grade = g + 1;
            break;
        }
    }
    c.prev_grade = c.era == ERA_MON ? (rng_pct(&c.r, 60) ? 4 : 3) : near_grade(&c, c.grade);
    if (c.era == ERA_MON && c.mon_kind == MON_NEW)
        c.prev_grade = 0;

    unsigned mdp = c.era == ERA_C ? o->md_percent : c.era == ERA_MON ? o->md_percent * 3 / 2 : 0;
    c.md = rng_pct(&c.r, mdp);
    c.paginate = !c.md && (c.era == ERA_A || c.era == ERA_B12 || c.era == ERA_B) &&
                 rng_pct(&c.r, 40);
    int curly = rng_pct(&c.r, 50);
    static const char *const BUL[] = {"- ", "- ", "\xE2\x80\xA2 ", "\xE2\x96\xA0 "};
    snprintf(c.bullet, sizeof c.bullet, "%s", PICK(&c.r, BUL));
    snprintf(c.learners_main, sizeof c.learners_main, "%s",
             (pv->type == PT_ILP || pv->type == PT_EMP) ? "apprentices"
             : (pv->type == PT_SFC || pv->type == PT_ACAD) ? "students" : "learners");

    date_range_text(&c, c.dates, sizeof c.dates);
    size_t want = c.era == ERA_MON ? rng_range(&c.r, 15500, 26000)
                                   : rng_range(&c.r, 15500, 39500);
    /* Headers and footers vary in length, so write the report, compare its
     * size with what was wanted and write it again from the same random
     * state with a corrected body target (at most a few times). */
    ctx_t saved = c;
    size_t target = want - 1500;
    char head[320];
    snprintf(head, sizeof head, "Inspection report: %s, %s", pv->name, c.dates);
    for (int attempt = 0; attempt < 4; attempt++) {
        c = saved;
        int judgements[8], nj = 0;
        switch (c.era) {
        case ERA_A:
            write_era_a(&c, target);
            break;
        case ERA_B12:
            write_era_b(&c, target, 1);
            break;
        case ERA_B:
            write_era_b(&c, target, 0);
            break;
        case ERA_C:
            write_era_c(&c, target);
            break;
        default:
            write_monitoring(&c, target, judgements, &nj);
            break;
        }
        finish(&c, curly, head, out);
        free(c.doc.p);
        c.doc.p = NULL;
        if (out->len >= 15000 && out->len <= 40000)
            break;
        long fix = (long)want - (long)out->len;
        long t = (long)target + fix;
        target = t < 2000 ? 2000 : (size_t)t;
    }
    const char *kind = c.era != ERA_MON ? "full"
                     : c.mon_kind == MON_NEW ? "new-provider-monitoring" : "monitoring";
    char grade[40];
    if (c.era == ERA_MON)
        snprintf(grade, sizeof grade, "%s", PROGRESS_SLUG[c.grade]);
    else
        snprintf(grade, sizeof grade, "%s", grade_slug(c.era, c.grade));

    /* File name: provider-slug-year[-kind]-NNNNN.ext, in a folder per year. */
    char dir[4096], path[4400], rel[600], d0[32], d1[32];
    iso_date(c.d0, d0, sizeof d0);
    iso_date(c.d1, d1, sizeof d1);
    int gz = o->gzip_every && (i % o->gzip_every) == o->gzip_every - 1;
    size_t k0 = 0;
    if (!o->flat) {
        snprintf(dir, sizeof dir, "%s/%d", o->out, c.year);
        if (mkdir_p(dir) != 0)
            die("cannot create %s: %s", dir, strerror(errno));
        k0 = (size_t)snprintf(rel, sizeof rel, "%d/", c.year);
    }
    snprintf(rel + k0, sizeof rel - k0, "%.80s-%d%s-%05u.%s%s", pv->slug, c.year,
             c.era == ERA_MON ? "-monitoring" : "", i, c.md ? "md" : "txt",
             gz ? ".gz" : "");
    snprintf(path, sizeof path, "%s/%s", o->out, rel);
    if (gz)
        write_gzip(path, out->p, out->len);
    else
        write_plain(path, out->p, out->len);
    if (o->manifest) {
        char provname[300];
        /* The manifest spells the name as the file does. */
        size_t k = 0;
        for (const char *s = pv->name; *s && k + 4 < sizeof provname; s++) {
            if (*s == '\'' && curly) {
                memcpy(provname + k, "\xE2\x80\x99", 3);
                k += 3;
            } else {
                provname[k++] = *s;
            }
        }
        provname[k] = '\0';
        fprintf(o->manifest, "%s\t%s\t%u\t%s\t%s\t%s\t%s\t%s\n", rel, provname, pv->urn,
                d0, grade, kind, PTYPE[pv->type].slug, d1);
    }
}

static void usage(FILE *f)
{
    fputs("usage: insearch-gen --reports N --seed S --out DIR [--manifest FILE]\n"
          "                    [--gzip-every K] [--md-percent P] [--flat]\n"
          "Writes N synthetic inspection reports (15-40 KB each) under DIR, in a\n"
          "folder per year (or all in DIR with --flat); the same seed gives the same\n"
          "files. --manifest writes a TSV line per file: file, provider, urn,\n"
          "date_start, grade, kind, type, date_end. --gzip-every K compresses every\n"
          "Kth file with gzip -9n (name.txt.gz). --md-percent P (default 25) is the\n"
          "share of 2019-2025 reports written as markdown.\n", f);
}

static unsigned long long parse_num(const char *opt, const char *s, unsigned long long max)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        die("%s needs a number", opt);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        die("%s: bad number \"%s\"", opt, s);
    return v;
}

int main(int argc, char **argv)
{
    opts_t o = {0};
    unsigned long long n = 0;
    int have_n = 0;
    const char *manifest = NULL;
    o.md_percent = 25;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--reports") == 0) {
            n = parse_num(a, v, MAX_REPORTS);
            have_n = 1;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            o.seed = parse_num(a, v, UINT64_MAX);
            i++;
        } else if (strcmp(a, "--out") == 0) {
            if (!v)
                die("--out needs a directory");
            o.out = v;
            i++;
        } else if (strcmp(a, "--manifest") == 0) {
            if (!v)
                die("--manifest needs a file");
            manifest = v;
            i++;
        } else if (strcmp(a, "--gzip-every") == 0) {
            o.gzip_every = (unsigned)parse_num(a, v, 1000000);
            i++;
        } else if (strcmp(a, "--md-percent") == 0) {
            o.md_percent = (unsigned)parse_num(a, v, 66);
            i++;
        } else if (strcmp(a, "--flat") == 0) {
            o.flat = 1;
        } else {
            usage(stderr);
            die("unknown argument \"%s\"", a);
        }
    }
    if (!have_n || !o.out) {
        usage(stderr);
        return 2;
    }
    if (mkdir_p(o.out) != 0)
        die("cannot create %s: %s", o.out, strerror(errno));
    if (manifest) {
        o.manifest = fopen(manifest, "w");
        if (!o.manifest)
            die("cannot write %s: %s", manifest, strerror(errno));
        fputs("file\tprovider\turn\tdate_start\tgrade\tkind\ttype\tdate_end\n", o.manifest);
    }
    buf_t out = {0};
    provider_t pv;
    for (unsigned i = 0; i < n; i++)
        make_report(&o, i, &out, &pv);
    free(out.p);
    if (o.manifest && fclose(o.manifest) != 0)
        die("cannot write %s: %s", manifest, strerror(errno));
    return 0;
}
