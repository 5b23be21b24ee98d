"""The starter training library that ships with PeerPath: modules for high-school mentors and a few
resources, written for this product. Loading it into an organization creates or refreshes its modules
(matched by `Module.library_key`), so a school can run it again after an upgrade.

The content is English for now; lesson HTML uses only p, ul, li, strong and h3.
"""

from dataclasses import dataclass, field

from django.db import transaction

from peerpath.accounts.models import Organization
from peerpath.core.audit import record_audit
from peerpath.training.models import Lesson, Module, QuizChoice, QuizQuestion, Resource
from peerpath.training.services.modules import sanitize_lesson_html


@dataclass(frozen=True)
class LibraryChoice:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class LibraryQuestion:
    prompt: str
    choices: tuple[LibraryChoice, ...]
    explanation: str
    scenario: str = ""


@dataclass(frozen=True)
class LibraryLesson:
    title: str
    body_html: str


@dataclass(frozen=True)
class LibraryModule:
    key: str
    title: str
    topic: str
    summary: str
    estimated_minutes: int
    lessons: tuple[LibraryLesson, ...]
    questions: tuple[LibraryQuestion, ...]
    validity_days: int | None = None


@dataclass(frozen=True)
class LibraryResource:
    title: str
    description: str
    audience: str
    tags: tuple[str, ...] = field(default_factory=tuple)


def _right(text: str) -> LibraryChoice:
    return LibraryChoice(text, correct=True)


def _wrong(text: str) -> LibraryChoice:
    return LibraryChoice(text)


Topic = Module.Topic

ACTIVE_LISTENING = LibraryModule(
    key="active-listening",
    title="Active listening",
    topic=Topic.LISTENING,
    summary="How to listen so that your mentee feels heard and keeps talking.",
    estimated_minutes=25,
    lessons=(
        LibraryLesson(
            "Listening is a skill, not a pause",
            """<p>Most of us listen while waiting for our turn to talk. We plan our answer, think of a
story of our own, or jump in with advice. Active listening is different: for a while, your only job is
to understand what your mentee is saying and how they feel about it.</p>
<p>Why it matters: a mentee who feels listened to trusts you more, tells you more, and often finds their
own answers just by talking something through out loud.</p>
<h3>What it looks like</h3>
<ul>
<li><strong>Full attention.</strong> Face your mentee, put your phone away, and let them finish.</li>
<li><strong>Small signals.</strong> A nod, an "mm-hm", or "go on" tells them you are still with them.</li>
<li><strong>Curiosity.</strong> Ask about what they just said instead of changing the subject.</li>
<li><strong>No rush to fix.</strong> Advice can wait until you really understand the problem, and
sometimes it is not needed at all.</li>
</ul>""",
        ),
        LibraryLesson(
            "Reflecting and summarising",
            """<p>Reflecting means saying back, in your own words, what you heard. It shows you were listening
and gives your mentee a chance to correct you if you got it wrong.</p>
<ul>
<li>Reflect the facts: <strong>"So your science project is due Friday and your partner hasn't done
their part."</strong></li>
<li>Reflect the feeling: <strong>"It sounds like you're frustrated, and maybe a bit worried about your
grade."</strong></li>
<li>Summarise at the end: <strong>"So today we talked about the project, and you're going to ask your
teacher about splitting the work. Did I get that right?"</strong></li>
</ul>
<p>Keep it short and check it: "Is that it?" If you guessed the feeling wrong, that's fine. Your mentee
will tell you, and now you both understand more.</p>""",
        ),
        LibraryLesson(
            "Silence, distractions and you",
            """<p>A few seconds of silence can feel long. Try not to fill it. Many people need a moment to
think, especially when the question matters to them. Count to five in your head before you speak
again.</p>
<h3>Protect the time</h3>
<ul>
<li>Silence your phone and put it out of sight. A phone on the table says "something else might be more
important than you".</li>
<li>Pick a spot where your mentee can talk without being overheard by friends.</li>
<li>If you are tired or distracted, say so honestly and refocus: "Sorry, I missed that. Can you say it
again?"</li>
</ul>
<p>Listening well does not mean you have to agree with everything. It means you understand first,
before you respond.</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario='Your mentee says: "My parents keep arguing at home and I can\'t focus on my homework."',
            prompt="What is the best first response?",
            choices=(
                _wrong('"Try doing your homework at the library instead."'),
                _right('"That sounds really hard. What is it like for you when that happens?"'),
                _wrong("\"My parents argue too. It's normal, don't worry about it.\""),
                _wrong("\"Let's get back to your math grade, that's what we're here for.\""),
            ),
            explanation=(
                "Start by showing you heard the feeling and invite them to say more. Advice, comparing it "
                "to your own life or changing the subject can make a mentee feel brushed off. If what they "
                "tell you next suggests someone is being hurt, follow the escalation steps from the "
                "confidentiality module."
            ),
        ),
        LibraryQuestion(
            scenario="You are meeting your mentee and your phone buzzes three times in a row.",
            prompt="What do you do?",
            choices=(
                _wrong("Check it quickly while your mentee keeps talking; it only takes a second."),
                _wrong("Reply to the messages, then ask your mentee to repeat what they said."),
                _right("Silence it and put it away, and tell your mentee they have your full attention."),
                _wrong("Leave it on the table face up in case it's important."),
            ),
            explanation=(
                "Your mentee notices where your attention goes. Putting the phone away shows them this time "
                "is for them. Silence it before the meeting next time."
            ),
        ),
        LibraryQuestion(
            scenario='Your mentee says: "Everyone in my friend group made plans for Saturday and nobody '
            'asked me."',
            prompt="Which answer is a reflection?",
            choices=(
                _right('"So you felt left out when they made plans without you."'),
                _wrong('"You should just make your own plans."'),
                _wrong('"Are you sure they didn\'t just forget?"'),
                _wrong('"That happened to me once, it was awful."'),
            ),
            explanation=(
                "A reflection puts what you heard, including the feeling, into your own words, so your "
                "mentee knows you understood and can correct you if not."
            ),
        ),
        LibraryQuestion(
            scenario="You ask your mentee what they want to do after high school. They go quiet and look "
            "away.",
            prompt="What is the most helpful thing to do?",
            choices=(
                _wrong("Quickly ask a different, easier question to end the awkward silence."),
                _right("Wait calmly for a few seconds, and let them know there is no wrong answer."),
                _wrong('Answer for them: "Maybe college? Most people go to college."'),
                _wrong("Tell them they should really have a plan by now."),
            ),
            explanation=(
                "Silence often means someone is thinking. Giving them time, and making it safe not to know "
                "yet, usually gets a more honest answer than filling the gap yourself."
            ),
        ),
    ),
)

COMMUNICATION = LibraryModule(
    key="communication",
    title="Communication: questions and body language",
    topic=Topic.COMMUNICATION,
    summary="Open questions, what your body says, and how to start and end a meeting well.",
    estimated_minutes=25,
    lessons=(
        LibraryLesson(
            "Open and closed questions",
            """<p>A <strong>closed question</strong> can be answered with one word: "Did you have a good
week?" "Yes." Conversation over. An <strong>open question</strong> invites a longer answer: "What was the
best part of your week?"</p>
<h3>Open questions often start with</h3>
<ul>
<li>"What…" — "What was hard about it?"</li>
<li>"How…" — "How did you feel when that happened?"</li>
<li>"Tell me about…" — "Tell me about your new class."</li>
</ul>
<p>Be careful with "Why…". "Why did you do that?" can sound like blame. "What made you decide to…?"
asks the same thing more gently.</p>
<p>Closed questions are still useful when you need a fact: "Is Thursday at lunch still OK?" Use them
on purpose, not by habit.</p>""",
        ),
        LibraryLesson(
            "What your body says",
            """<p>People read your face and posture before they hear your words. You can say "I'm listening"
while your body says "I'm bored".</p>
<ul>
<li><strong>Face your mentee</strong> and keep a relaxed posture. Sitting side by side or walking
together can feel easier for shy mentees than sitting straight across a table.</li>
<li><strong>Eye contact</strong> should be natural, not a stare. Some people find a lot of eye contact
uncomfortable, and that can be cultural too. Follow their lead.</li>
<li><strong>Crossed arms, sighing, checking the clock</strong> can all send a message you did not
mean.</li>
</ul>
<p>Also read your mentee's body language. Short answers, a turned-away body or a hood pulled up might
mean they are tired, upset or uncomfortable. Gently name what you see: "You seem a bit quiet today.
Rough day?"</p>""",
        ),
        LibraryLesson(
            "Starting and ending a meeting",
            """<p>The first few minutes set the tone. Start with something light ("How was the game
yesterday?") before anything serious. Remember details from last time; it shows you care.</p>
<h3>A simple shape for a meeting</h3>
<ul>
<li><strong>Check in:</strong> how are they doing today?</li>
<li><strong>Follow up:</strong> ask about the goal or plan from last time.</li>
<li><strong>Main part:</strong> talk, work on something, or do an activity together.</li>
<li><strong>Wrap up:</strong> summarise, agree on one next step, and confirm when you meet next.</li>
</ul>
<p>End on time and on a positive note, even if the conversation was hard: "Thanks for telling me about
that. See you Thursday."</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            prompt="Which of these is an open question?",
            choices=(
                _wrong('"Did you finish your project?"'),
                _right('"What\'s been the hardest part of the project so far?"'),
                _wrong('"Is your project due this week?"'),
                _wrong('"You finished it, right?"'),
            ),
            explanation=(
                "Open questions can't be answered with yes or no. They invite your mentee to explain, "
                "which tells you much more."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee sits with their arms crossed, looks at the floor and answers everything "
            'with "fine" or "I dunno".',
            prompt="What is the best approach?",
            choices=(
                _wrong("Keep firing questions until they open up."),
                _wrong("Tell them their attitude is rude."),
                _right(
                    "Gently say they seem quiet today, suggest walking or doing an activity together, "
                    "and let them know it's fine if they don't feel like talking much."
                ),
                _wrong("End the meeting early since they clearly don't want to be there."),
            ),
            explanation=(
                "Body language tells you something is up, but not what. Naming it kindly, lowering the "
                "pressure and doing something side by side often helps a mentee relax."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee starts telling you about a video game you have never heard of.",
            prompt="What do you do?",
            choices=(
                _right("Ask them to explain how it works and what they like about it."),
                _wrong("Tell them video games are a waste of time."),
                _wrong("Nod along and pretend you know it."),
                _wrong("Change the subject to something you know more about."),
            ),
            explanation=(
                "Being curious about what your mentee cares about builds your relationship, and lets them "
                "be the expert for once."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee mentions they skipped a class last week to hang out with friends. You "
            "want to understand what happened.",
            prompt="Which question is the best way to ask about it?",
            choices=(
                _wrong('"Why would you do that?"'),
                _right('"What made you decide to do that?"'),
                _wrong('"You know that was a bad idea, right?"'),
                _wrong('"Didn\'t you think about what would happen?"'),
            ),
            explanation=(
                '"Why would you…" and leading questions can sound like blame. "What made you decide…" '
                "asks about their reasons without judging them."
            ),
        ),
    ),
)

GOAL_SETTING = LibraryModule(
    key="goal-setting",
    title="Goal setting: small steps, real progress",
    topic=Topic.GOALS,
    summary="Help your mentee turn big hopes into small, specific goals, and check in without nagging.",
    estimated_minutes=25,
    lessons=(
        LibraryLesson(
            "Small and specific beats big and vague",
            """<p>"Do better in school" is a wish, not a goal. Nobody knows when it starts, what to do
first, or when it is done. Big goals are fine to dream about, but progress happens in small steps.</p>
<h3>A good goal is</h3>
<ul>
<li><strong>Specific:</strong> what exactly will they do?</li>
<li><strong>Small:</strong> something they can do in the next week or two.</li>
<li><strong>Checkable:</strong> you can both tell whether it happened.</li>
<li><strong>Theirs:</strong> your mentee chose it and cares about it.</li>
</ul>
<p>Compare "get better at math" with "go to the Tuesday math help session twice before the test". The
second one tells your mentee exactly what to do next.</p>""",
        ),
        LibraryLesson(
            "Setting a goal together",
            """<p>Your job is to help your mentee find their goal, not to hand them yours.</p>
<ul>
<li>Ask what they want to change or get better at. "If the next month went really well, what would be
different?"</li>
<li>Break it down: "What's one thing you could do this week that would help with that?"</li>
<li>Make it concrete: when, where, how often.</li>
<li>Think ahead about obstacles: "What might get in the way? What could you do then?"</li>
<li>Write it down, in their words, and agree when you will check in.</li>
</ul>
<p>If your mentee picks something that seems too big, don't say no. Ask what the first step would be,
and make that step the goal for now.</p>""",
        ),
        LibraryLesson(
            "Checking in without nagging",
            """<p>A goal nobody asks about is easy to forget. A goal somebody keeps nagging about becomes a
chore. Aim for the middle.</p>
<ul>
<li>Ask early in the meeting: "How did it go with the study sessions?"</li>
<li><strong>Celebrate progress</strong>, even partial: two out of four days is a start.</li>
<li>If it didn't happen, stay curious, not disappointed: "What got in the way?"</li>
<li>Adjust together. Make the goal smaller, change the time, or pick a different step.</li>
</ul>
<p>Missing a goal is information, not failure. The point is to learn what works for your mentee.</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            prompt="Which goal is the most specific and checkable?",
            choices=(
                _wrong('"Do better in school."'),
                _wrong('"Be more organised."'),
                _right('"Write my homework in my planner before I leave school every day this week."'),
                _wrong('"Try harder in English."'),
            ),
            explanation=(
                "It says exactly what to do, when, and for how long, so you both know whether it happened."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee's goal was to read for 20 minutes every night. At your check-in they say "
            "they only did it twice and look embarrassed.",
            prompt="What do you say?",
            choices=(
                _wrong('"That\'s disappointing. You need to take this more seriously."'),
                _right(
                    '"Two nights is a start! What helped on those nights, and what got in the way on '
                    'the others?"'
                ),
                _wrong("\"Don't worry about it, let's forget the reading goal.\""),
                _wrong('"Let\'s make it 40 minutes so you catch up."'),
            ),
            explanation=(
                "Notice the progress, then get curious about what helped and what didn't. Use what you "
                "learn to adjust the goal together."
            ),
        ),
        LibraryQuestion(
            scenario='Your mentee says their goal is "to get into a good college".',
            prompt="How do you help?",
            choices=(
                _wrong("Tell them that's too big and they should pick something else."),
                _wrong("Give them a list of ten things to do this month."),
                _right(
                    "Say it's a great goal and ask what one step they could take in the next two weeks "
                    "to move towards it."
                ),
                _wrong("Write the plan for them so they don't have to worry."),
            ),
            explanation=(
                "Keep the big dream and find a small first step they choose, such as asking a counselor "
                "one question or looking up one college's website."
            ),
        ),
        LibraryQuestion(
            scenario="You think your mentee should join the debate club. They say they would rather get "
            "better at drawing.",
            prompt="What do you do?",
            choices=(
                _right("Help them set a goal about drawing."),
                _wrong("Keep bringing up debate club until they agree."),
                _wrong("Set both goals, but check in mainly on debate."),
                _wrong("Tell them drawing won't help them get into college."),
            ),
            explanation=(
                "A goal works when it belongs to your mentee. You can share ideas, but they decide."
            ),
        ),
    ),
)

CONSTRUCTIVE_FEEDBACK = LibraryModule(
    key="constructive-feedback",
    title="Giving constructive feedback",
    topic=Topic.FEEDBACK,
    summary="Feedback that is specific, kind and useful, and how to take feedback yourself.",
    estimated_minutes=20,
    lessons=(
        LibraryLesson(
            "Specific, kind and useful",
            """<p>"Good job" feels nice but doesn't tell your mentee what to keep doing. "This is bad"
hurts and doesn't tell them what to change. Helpful feedback is specific.</p>
<ul>
<li><strong>Start with something real that works.</strong> "Your opening sentence really grabbed
me."</li>
<li><strong>Pick one or two things to improve,</strong> not ten. "The middle paragraph has a lot of ideas
at once. Could you split it?"</li>
<li><strong>Talk about the work or the action, not the person.</strong> "This paragraph is confusing" is
fine; "You're bad at writing" is not.</li>
<li><strong>Make it doable.</strong> Suggest a next step they can actually take.</li>
</ul>""",
        ),
        LibraryLesson(
            "Ask before you tell",
            """<p>People take feedback better when they have thought about their own work first.</p>
<ul>
<li>Ask: "What do you think went well? What would you change?" Often your mentee already knows.</li>
<li>Ask permission: "Do you want my thoughts on it?" It gives them some control.</li>
<li>Then add what you noticed, starting with what they said.</li>
</ul>
<h3>Watch your tone</h3>
<p>The same words can sound helpful or harsh. Speak calmly, smile, and sit next to them rather than
standing over their work. End with encouragement: "This is already much better than the first
draft."</p>""",
        ),
        LibraryLesson(
            "Taking feedback yourself",
            """<p>You will get feedback too, from your coordinator, teachers and sometimes your mentee.
How you take it shows your mentee how it's done.</p>
<ul>
<li>Listen to the end before you answer.</li>
<li>Don't argue or make excuses straight away. Ask a question if something is unclear.</li>
<li>Say thank you. Giving feedback is not easy either.</li>
<li>Pick one thing to try differently, and try it.</li>
</ul>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario="Your mentee shows you an essay with strong ideas but many long, run-on sentences.",
            prompt="Which feedback helps most?",
            choices=(
                _wrong('"It\'s great!"'),
                _wrong('"Your grammar is really bad."'),
                _right(
                    '"Your argument in the second paragraph is really convincing. Some sentences in '
                    'the third paragraph run together. Want to try splitting one?"'
                ),
                _wrong("Rewrite the sentences for them so the essay is correct."),
            ),
            explanation=(
                "It names a real strength, points to one specific thing to improve, and offers a next step "
                "your mentee does themselves."
            ),
        ),
        LibraryQuestion(
            prompt="Which comment is about an action rather than the person?",
            choices=(
                _wrong('"You\'re so rude."'),
                _right('"You interrupted Sam twice during the group activity."'),
                _wrong('"You\'re always like this."'),
                _wrong('"You\'re not a team player."'),
            ),
            explanation=(
                "Describing what happened is fair and something your mentee can change. Labels about who "
                "they are make people defensive."
            ),
        ),
        LibraryQuestion(
            scenario='Your mentee asks: "Is my presentation good?"',
            prompt="What is the best way to respond?",
            choices=(
                _right(
                    "Ask what they think went well and what they'd change, then add one strength and one "
                    "thing to try."
                ),
                _wrong("List everything that could be better so they're fully prepared."),
                _wrong('Say "yes" so they feel confident.'),
                _wrong("Tell them to ask their teacher instead."),
            ),
            explanation=(
                "Asking first helps your mentee judge their own work. Then a strength and one focused "
                "suggestion is easy to act on."
            ),
        ),
        LibraryQuestion(
            scenario="Your coordinator tells you that you have arrived late to your last three mentoring "
            "sessions.",
            prompt="What is the best response?",
            choices=(
                _wrong("Explain all the reasons it wasn't your fault."),
                _right("Listen, thank them, and say what you will change so you're on time."),
                _wrong("Say nothing and feel annoyed."),
                _wrong("Point out that other mentors are late too."),
            ),
            explanation=(
                "Taking feedback calmly and acting on it is exactly what you hope your mentee will do."
            ),
        ),
    ),
)

CONFLICT_RESOLUTION = LibraryModule(
    key="conflict-resolution",
    title="Conflict resolution",
    topic=Topic.CONFLICT,
    summary="Calming things down, helping a mentee work through a conflict, and handling disagreements.",
    estimated_minutes=25,
    lessons=(
        LibraryLesson(
            "Calm first, solve second",
            """<p>Nobody solves a problem well while they are angry. When your mentee is upset, the first
goal is to help them calm down, not to find the answer.</p>
<ul>
<li>Keep your own voice calm and slow. Calm is contagious, and so is panic.</li>
<li>Acknowledge the feeling: "You're really angry about this. That makes sense."</li>
<li>Give them space: a short walk, a drink of water, a few deep breaths.</li>
<li>Only when they are calmer, ask what happened and what they want.</li>
</ul>
<p>If anyone is in danger or a fight might start, don't step in physically. Get an adult staff member
right away.</p>""",
        ),
        LibraryLesson(
            "Helping a mentee work through a conflict",
            """<p>You are not the judge. Your role is to help your mentee think it through and choose what
to do.</p>
<h3>Questions that help</h3>
<ul>
<li>"What happened, from your side?"</li>
<li>"How do you think the other person sees it?"</li>
<li>"What do you want to happen now?"</li>
<li>"What are some things you could do? What might happen after each one?"</li>
</ul>
<p>Help them put their feelings into "I" statements: <strong>"I felt embarrassed when you told everyone
about my grade"</strong> is much easier to hear than "You always humiliate me."</p>""",
        ),
        LibraryLesson(
            "When you and your mentee disagree",
            """<p>Sometimes the conflict is between the two of you: they keep cancelling, they don't like
a suggestion, or they are upset with something you said.</p>
<ul>
<li>Bring it up early and privately, not in front of others.</li>
<li>Use "I" statements and stay curious: "I noticed we've missed the last two meetings. Is something
going on?"</li>
<li>Listen to their side. There may be a reason you don't know about.</li>
<li>Look for a solution together, like a different time or a different activity.</li>
<li>If it keeps happening, talk to your coordinator. Asking for help is part of the job.</li>
</ul>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario="Your mentee arrives furious because a friend spread a rumor about them. They say they "
            "will post something embarrassing about the friend tonight to get back at them.",
            prompt="What do you do first?",
            choices=(
                _wrong("Tell them they're overreacting."),
                _wrong("Agree the friend deserves it."),
                _right(
                    "Acknowledge how angry and hurt they are, help them calm down, then talk through what "
                    "might happen if they post it and what else they could do."
                ),
                _wrong("Message the friend yourself to sort it out."),
            ),
            explanation=(
                "Calm first, solve second. Once your mentee is calmer, thinking through consequences and "
                "options helps them choose something they won't regret."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee has cancelled your last two meetings at the last minute.",
            prompt="What is the best way to handle it?",
            choices=(
                _wrong("Stop showing up too, since they don't seem interested."),
                _right(
                    "Privately say you've noticed the cancellations, ask if something is going on, and "
                    "look for a time that works better."
                ),
                _wrong("Complain about it to your mentee's friends."),
                _wrong("Tell them they are being disrespectful."),
            ),
            explanation=(
                "Raising it calmly and with curiosity keeps the relationship open. If it keeps happening, "
                "ask your coordinator for help."
            ),
        ),
        LibraryQuestion(
            prompt='Which of these is an "I" statement?',
            choices=(
                _wrong('"You never listen to me."'),
                _right('"I felt left out when you didn\'t save me a seat."'),
                _wrong('"You\'re a terrible friend."'),
                _wrong('"Everyone thinks you\'re wrong."'),
            ),
            explanation=(
                'An "I" statement says how you felt about a specific action. It invites a conversation '
                "instead of an argument."
            ),
        ),
        LibraryQuestion(
            scenario="During a group mentoring session, two mentees start shouting at each other and one "
            "pushes the other.",
            prompt="What do you do?",
            choices=(
                _wrong("Step between them and hold them apart."),
                _wrong("Let them sort it out themselves."),
                _right("Get an adult staff member immediately, and keep the other mentees back."),
                _wrong("Film it so you have proof for later."),
            ),
            explanation=(
                "Once it turns physical, it is not yours to handle alone. Getting an adult quickly keeps "
                "everyone, including you, safe."
            ),
        ),
    ),
)

CULTURAL_COMPETENCY = LibraryModule(
    key="cultural-competency",
    title="Cultural competency: curiosity, not assumptions",
    topic=Topic.CULTURE,
    summary="Respecting your mentee's background, getting names right, and avoiding stereotypes.",
    estimated_minutes=25,
    lessons=(
        LibraryLesson(
            "Everyone has a culture",
            """<p>Culture is more than where your family comes from. It includes language, religion,
traditions, food, music, how your family talks about school, and what counts as polite. You have a
culture too, and it shapes what feels "normal" to you.</p>
<p>Your mentee may share some of your background or none of it. Either way, the safest approach is
<strong>curiosity instead of assumptions</strong>.</p>
<ul>
<li>Ask, don't guess: "What are weekends like at your house?"</li>
<li>Let your mentee decide what to share. Curiosity is not an interview.</li>
<li>Notice when something surprises you, and ask yourself why.</li>
</ul>""",
        ),
        LibraryLesson(
            "Names and pronunciation",
            """<p>A person's name is part of who they are. Getting it right is one of the simplest ways to
show respect.</p>
<ul>
<li><strong>Ask</strong> how to say it if you're not sure: "Can you tell me how to say your name?"</li>
<li><strong>Repeat it back</strong> and practise until you get it right. It's fine to ask again.</li>
<li><strong>Use the name they give you.</strong> Don't shorten it or give them a nickname unless they
ask you to.</li>
<li>If you get it wrong, say a quick "sorry", say the name correctly and move on. A big
apology can make it awkward.</li>
</ul>
<p>Never say a name is "too hard". That tells your mentee they are the problem.</p>""",
        ),
        LibraryLesson(
            "Noticing and avoiding stereotypes",
            """<p>A stereotype is an idea about a whole group: "they're all good at math", "boys don't talk
about feelings", "kids from that neighborhood don't care about school". Even "positive" stereotypes box
people in.</p>
<ul>
<li>Treat your mentee as an individual. Ask what they like, need and want.</li>
<li>Don't ask your mentee to speak for their whole culture or group.</li>
<li>Watch for jokes that rely on stereotypes, including your own.</li>
<li>If someone makes that kind of joke, you can say calmly, "That's not cool," and change the topic.
If it keeps happening, tell your coordinator.</li>
</ul>
<h3>Be ready to learn</h3>
<p>You will make mistakes. What matters is noticing, apologising simply and doing better next time.</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario="You meet your new mentee and you're not sure how to pronounce their name.",
            prompt="What do you do?",
            choices=(
                _wrong("Avoid saying their name until you hear someone else say it."),
                _wrong("Give them a short nickname that's easier to say."),
                _right("Ask them how to say it, repeat it back, and practise until you get it right."),
                _wrong("Guess, and hope for the best."),
            ),
            explanation=(
                "Asking shows respect. Practising and using their name correctly shows you meant it."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee recently moved from another country. You assume they need help with "
            "English.",
            prompt="What is the best approach?",
            choices=(
                _wrong("Start with English vocabulary practice in your first meeting."),
                _right("Ask what they'd like help with and what they're already good at."),
                _wrong("Speak slowly and loudly so they understand."),
                _wrong("Ask them to tell the group what people in their country are like."),
            ),
            explanation=(
                "Your assumption might be wrong. Asking lets your mentee tell you what they need, and "
                "keeps you from treating them as a stereotype."
            ),
        ),
        LibraryQuestion(
            scenario="Another mentor makes a joke about a group of people based on a stereotype. Some "
            "mentees laugh.",
            prompt="What do you do?",
            choices=(
                _wrong("Laugh along so things don't get awkward."),
                _right(
                    "Calmly say it's not OK and change the topic; tell your coordinator if it keeps "
                    "happening."
                ),
                _wrong("Post about it online so everyone knows."),
                _wrong("Ignore it; it was only a joke."),
            ),
            explanation=(
                "Staying silent tells the mentees it's acceptable. A short, calm response is enough, and "
                "your coordinator can help if it continues."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee mentions they are fasting for a religious holiday, and your meetings are "
            "usually at lunch.",
            prompt="What do you do?",
            choices=(
                _wrong("Eat your lunch as usual; it's their choice to fast."),
                _wrong("Tell them skipping meals isn't healthy."),
                _right("Thank them for telling you and ask if another time or place would work better."),
                _wrong("Cancel your meetings until the holiday is over."),
            ),
            explanation=(
                "Respect means making room for what matters to your mentee, and asking them what works "
                "instead of deciding for them."
            ),
        ),
    ),
)

CONFIDENTIALITY = LibraryModule(
    key="confidentiality-and-escalation",
    title="Confidentiality and when to tell",
    topic=Topic.SAFETY,
    summary=(
        "A yearly refresher: what stays private, the secrets a mentor never keeps, and how to tell the "
        "coordinator."
    ),
    estimated_minutes=20,
    validity_days=365,
    lessons=(
        LibraryLesson(
            "What stays between you, and what doesn't",
            """<p>Your mentee needs to trust that you won't share their private life with other people.
Everyday things stay between you: a crush, a bad grade, an argument with a sibling, worries about a
test. Don't repeat them to friends or post about them.</p>
<h3>The one rule that beats confidentiality</h3>
<p><strong>A mentor never keeps a secret about harm.</strong> If your mentee tells you, or you notice,
that:</p>
<ul>
<li>someone is hurting them, at home, at school or online,</li>
<li>they might hurt themselves, or have been thinking about it,</li>
<li>they might hurt someone else, or</li>
<li>they are in danger in some other way,</li>
</ul>
<p>you must tell your program coordinator. This is not betraying your mentee. It is how they get help
from adults who are trained to give it.</p>""",
        ),
        LibraryLesson(
            "What not to promise",
            """<p>Sometimes a mentee says "Promise you won't tell anyone?" before telling you something.
<strong>Never promise to keep a secret before you know what it is.</strong> If it turns out to be about
harm, you would have to break that promise, and your mentee would feel betrayed twice.</p>
<p>Instead, say something like:</p>
<ul>
<li>"I keep most things private. But if you tell me someone is hurting you, or that you might get hurt,
I have to tell the coordinator so you can get help. I'd tell you first."</li>
</ul>
<p>If your mentee tells you something serious:</p>
<ul>
<li><strong>Stay calm</strong> and listen. Thank them for telling you.</li>
<li><strong>Don't investigate.</strong> Don't ask for details or ask leading questions; that's for the
adults who handle it.</li>
<li><strong>Don't confront</strong> the person they are talking about.</li>
<li><strong>Tell them what happens next:</strong> that you will talk to the coordinator, who knows how to
help.</li>
</ul>""",
        ),
        LibraryLesson(
            "How to tell the coordinator",
            """<ul>
<li><strong>Tell the coordinator the same day,</strong> in person or by phone. Not by text, social media
or a group chat.</li>
<li><strong>If someone is in immediate danger,</strong> tell the nearest adult staff member right now,
or call emergency services.</li>
<li><strong>Write down what your mentee said</strong>, in their words, with the date and time, as soon
as you can. Give it to the coordinator and keep no other copy.</li>
<li><strong>Only tell the people who need to know.</strong> Not your friends, not other mentors, not your
mentee's friends.</li>
<li>If you are not sure whether something counts, <strong>tell the coordinator anyway.</strong> It is
their job to decide; it is your job to tell.</li>
</ul>
<h3>Look after yourself</h3>
<p>Hearing something hard can stay with you. You are not responsible for fixing it. Talk to your
coordinator about how you are feeling; that is what they are there for.</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario='Your mentee says: "Can you promise not to tell anyone what I\'m about to say?"',
            prompt="What do you say?",
            choices=(
                _wrong('"Of course, I promise. You can tell me anything."'),
                _right(
                    '"I keep most things private, but if someone is hurting you or you might get hurt, '
                    "I'd have to tell the coordinator so you get help.\""
                ),
                _wrong("\"Then don't tell me, I don't want to know.\""),
                _wrong('"Only if it\'s not something bad."'),
            ),
            explanation=(
                "Never promise secrecy before you know what it is. Being honest about the limits up front "
                "protects your mentee's trust."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee tells you an adult at home hits them, and begs you not to tell anyone.",
            prompt="What do you do?",
            choices=(
                _wrong("Keep it secret, because they asked you to and you don't want to lose their trust."),
                _wrong("Ask lots of questions to find out exactly what happened before deciding."),
                _right(
                    "Stay calm, thank them for telling you, explain that you have to tell the coordinator "
                    "so they can get help, and tell the coordinator in person today."
                ),
                _wrong("Talk to the adult at home yourself."),
            ),
            explanation=(
                "A mentor never keeps a secret about harm. Listen, don't investigate or confront, and tell "
                "the coordinator the same day."
            ),
        ),
        LibraryQuestion(
            scenario='While talking about a bad week, your mentee says quietly: "Sometimes I think '
            'everyone would be better off without me."',
            prompt="What do you do?",
            choices=(
                _wrong("Tell them not to say things like that, and cheer them up."),
                _wrong("Wait a few weeks to see if they say it again."),
                _right(
                    "Take it seriously: tell them you're glad they told you, stay with them, and tell the "
                    "coordinator right away."
                ),
                _wrong("Ask a friend what they think you should do."),
            ),
            explanation=(
                "A hint that someone might hurt themselves is always serious. Don't wait and don't handle "
                "it alone; if they may be in immediate danger, get the nearest adult now."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee told you something worrying and you have told the coordinator.",
            prompt="Which of these should you also do?",
            choices=(
                _right("Write down what your mentee said, in their words, and give it to the coordinator."),
                _wrong("Tell a close friend so you have someone to talk it through with."),
                _wrong("Post a vague message online about having a hard day as a mentor."),
                _wrong("Ask your mentee for more details next time so the report is complete."),
            ),
            explanation=(
                "A clear note in your mentee's words helps the adults who handle it. Share it only with "
                "the coordinator, and talk to them, not friends, about how you feel."
            ),
        ),
        LibraryQuestion(
            scenario="Your mentee tells you they're nervous about a test and had a silly argument with "
            "their brother about the TV.",
            prompt="Should you report this to the coordinator?",
            choices=(
                _wrong("Yes, you have to report everything your mentee tells you."),
                _right("No. This is ordinary stuff, and it stays between you."),
                _wrong("Yes, and you should also tell their teacher about the test nerves."),
                _wrong("Only if their brother is in your grade."),
            ),
            explanation=(
                "Confidentiality is real: everyday worries stay private. You only tell when there is a "
                "risk of harm."
            ),
        ),
    ),
)

PEER_TUTORING = LibraryModule(
    key="peer-tutoring",
    title="Being a good tutor",
    topic=Topic.OTHER,
    summary="Helping a classmate learn for themselves instead of giving them the answers.",
    estimated_minutes=20,
    lessons=(
        LibraryLesson(
            "Guide, don't do it for them",
            """<p>When someone is stuck, it's tempting to just show them the answer. It feels helpful, and
it's faster. But the goal of tutoring is that they can do it <strong>without you</strong> next time.</p>
<ul>
<li>Ask them to show you where they got stuck.</li>
<li>Ask questions that point the way: "What does the question ask for? What do you already know?"</li>
<li>Work through a similar example together, then let them try the real one.</li>
<li>Let them hold the pencil.</li>
</ul>
<p>It's fine to say "I don't know, let's find out" or "let's ask the teacher". Nobody knows
everything, and finding answers is a skill too.</p>""",
        ),
        LibraryLesson(
            "Checking understanding",
            """<p>"Do you get it?" almost always gets a "yeah", whether they do or not. Try these
instead:</p>
<ul>
<li>"Can you explain that step back to me in your own words?"</li>
<li>"What would change if the number was negative?"</li>
<li>"Try the next one and talk me through it."</li>
</ul>
<h3>Keep it encouraging</h3>
<p>Mistakes show you what to practise. Praise effort and strategy ("you checked your work, nice"),
not being "smart". End each session with something they got right.</p>""",
        ),
    ),
    questions=(
        LibraryQuestion(
            scenario="Your tutee asks you to just write down the answers to tonight's homework.",
            prompt="What do you do?",
            choices=(
                _wrong("Write them down; they're tired and it's only homework."),
                _right("Ask where they got stuck and work through a similar problem together."),
                _wrong("Tell them to figure it out alone."),
                _wrong("Give them the answers but make them copy them out."),
            ),
            explanation=(
                "Guiding them through a similar example helps them learn to do it, which is the point "
                "of tutoring."
            ),
        ),
        LibraryQuestion(
            scenario="Your tutee asks a question and you don't know the answer.",
            prompt="What is the best response?",
            choices=(
                _wrong("Make up something that sounds right."),
                _right("Say you're not sure, and find out together or ask the teacher."),
                _wrong("Change the subject."),
                _wrong("Tell them the question isn't important."),
            ),
            explanation=("Being honest keeps their trust, and shows them that looking things up is normal."),
        ),
        LibraryQuestion(
            prompt="What is the best way to check that your tutee understands a step?",
            choices=(
                _wrong('Ask "Do you get it?"'),
                _right("Ask them to explain the step back to you in their own words."),
                _wrong("Explain it a second time, more slowly."),
                _wrong("Watch their face to see if they look confused."),
            ),
            explanation=(
                "Explaining it back shows what they really understood, and where they still need help."
            ),
        ),
    ),
)

MODULES: tuple[LibraryModule, ...] = (
    ACTIVE_LISTENING,
    COMMUNICATION,
    GOAL_SETTING,
    CONSTRUCTIVE_FEEDBACK,
    CONFLICT_RESOLUTION,
    CULTURAL_COMPETENCY,
    CONFIDENTIALITY,
    PEER_TUTORING,
)

Audience = Resource.Audience

RESOURCES: tuple[LibraryResource, ...] = (
    LibraryResource(
        title="Conversation starters",
        audience=Audience.MENTORS,
        tags=("conversation", "first-meeting"),
        description="""Questions to get a conversation going, especially in the first few meetings.

Getting to know each other
- What's something you're really good at that most people don't know about?
- What do you do after school when you can choose anything?
- If you could learn any skill instantly, what would it be?

School
- What's a class you actually look forward to? What makes it different?
- What's one thing about this school you'd change if you could?

Looking ahead
- What's something you're looking forward to this month?
- Where would you like to be a year from now?

Tip: share your own answer too. A conversation is two people taking turns.""",
    ),
    LibraryResource(
        title="Goal-setting worksheet",
        audience=Audience.EVERYONE,
        tags=("goals", "worksheet"),
        description="""Fill this in together and keep a copy each. Check in on it at your next meeting.

1. Something I'd like to get better at or change:
2. Why it matters to me:
3. One small step I'll take in the next two weeks (what, when, how often):
4. What might get in the way:
5. What I'll do if that happens:
6. How we'll know it happened:
7. When we'll check in:

At the check-in: What went well? What got in the way? What's the next step?""",
    ),
    LibraryResource(
        title="Study skills: planning your week",
        audience=Audience.EVERYONE,
        tags=("study-skills", "planning"),
        description="""A plan doesn't have to be perfect to help.

- On Sunday or Monday, list everything due this week, with the day it's due.
- Break big tasks into steps: "research", "outline", "write the first half".
- Give each step a day and a time, like "Tuesday after dinner, 30 minutes".
- Study in short blocks (25 minutes) with a 5-minute break; put your phone in another room.
- Test yourself instead of rereading: cover your notes and explain them out loud.
- At the end of the week, look back: what worked, and what will you try differently?""",
    ),
    LibraryResource(
        title="If you are worried about your mentee",
        audience=Audience.MENTORS,
        tags=("safety", "escalation"),
        description="""Keep this somewhere you can find it.

- Never promise to keep a secret before you know what it is.
- If your mentee tells you someone is hurting them, they might hurt themselves or someone else, or they
  are in danger: stay calm, listen, thank them, and tell them you have to tell the coordinator.
- Tell the coordinator the same day, in person or by phone — not by text or social media.
- If someone is in immediate danger, tell the nearest adult staff member right now.
- Don't investigate, don't confront anyone, and don't tell friends.
- Write down what your mentee said, in their words, and give it to the coordinator.
- Not sure if it counts? Tell the coordinator anyway.""",
    ),
)


@transaction.atomic
def load_training_library(*, organization: Organization) -> int:
    """Create or refresh the starter modules (and add missing starter resources) in `organization`.

    Modules are matched by `library_key`: their text, lessons and quiz are brought up to date, while a
    school's own settings (published, pass mark, attempts allowed, validity) are kept. Quiz questions are
    replaced. Starter resources are only added when missing, so a coordinator's edits stay.
    Returns the number of modules written.
    """
    created_modules = 0
    for item in MODULES:
        _module, created = _load_module(organization, item)
        created_modules += created
    created_resources = _load_resources(organization)
    record_audit(
        action="training.library_loaded",
        organization_id=organization.pk,
        actor_label="load_training_library",
        detail={
            "modules": len(MODULES),
            "modules_created": created_modules,
            "resources_created": created_resources,
        },
    )
    return len(MODULES)


def _load_module(organization: Organization, item: LibraryModule) -> tuple[Module, bool]:
    module, created = Module.objects.update_or_create(
        organization=organization,
        library_key=item.key,
        defaults={
            "title": item.title,
            "summary": item.summary,
            "topic": item.topic,
            "estimated_minutes": item.estimated_minutes,
        },
        # How long a refresher stays valid is the school's setting once the module exists.
        create_defaults={
            "title": item.title,
            "summary": item.summary,
            "topic": item.topic,
            "estimated_minutes": item.estimated_minutes,
            "validity_days": item.validity_days,
        },
    )
    # Lessons are updated in place by position, so links to them survive a reload.
    lessons = list(module.lessons.order_by("order", "id"))
    for order, lesson_item in enumerate(item.lessons):
        if order < len(lessons):
            lesson = lessons[order]
            lesson.title, lesson.body_html, lesson.order = (
                lesson_item.title,
                sanitize_lesson_html(lesson_item.body_html),
                order,
            )
            lesson.save(update_fields=["title", "body_html", "order", "updated"])
        else:
            Lesson.objects.create(
                module=module,
                title=lesson_item.title,
                body_html=sanitize_lesson_html(lesson_item.body_html),
                order=order,
            )
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons[len(item.lessons) :]]).delete()

    module.questions.all().delete()
    questions = QuizQuestion.objects.bulk_create(
        QuizQuestion(
            module=module,
            kind=QuizQuestion.Kind.SINGLE,
            scenario=question.scenario,
            prompt=question.prompt,
            explanation=question.explanation,
            order=order,
        )
        for order, question in enumerate(item.questions)
    )
    QuizChoice.objects.bulk_create(
        QuizChoice(question=question, text=choice.text, is_correct=choice.correct, order=order)
        for question, question_item in zip(questions, item.questions, strict=True)
        for order, choice in enumerate(question_item.choices)
    )
    return module, created


def _load_resources(organization: Organization) -> int:
    existing = set(
        Resource.objects.filter(organization=organization, program=None).values_list("title", flat=True)
    )
    missing = [item for item in RESOURCES if item.title not in existing]
    Resource.objects.bulk_create(
        Resource(
            organization=organization,
            title=item.title,
            description=item.description,
            audience=item.audience,
            tags=list(item.tags),
        )
        for item in missing
    )
    return len(missing)
