"""The Chat tab: streaming cited answers, a sources panel, filters and feedback.

The page: on the left the conversation (chat, question, send and clear) with the feedback row
under it; on the right the search filters and the sources panel. One function builds each
side; the ``_wire_*`` functions say what the buttons do."""

from dataclasses import dataclass

import gradio as gr

from assistant.ui import widgets
from assistant.ui.api import chat as chat_api
from assistant.ui.api.chat import DOC_TYPES, SOURCE_LANGUAGES
from assistant.ui.context import AppContext
from assistant.ui.labels import Labels
from assistant.ui.render import bubble_text, markdown_safe, sources_html

DOC_TYPE_LABELS = Labels.code_keys("doctype", DOC_TYPES)
SOURCE_LANGUAGE_LABELS = Labels.code_keys("lang", SOURCE_LANGUAGES)


@dataclass(frozen=True)
class Conversation:
    chat: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button


@dataclass(frozen=True)
class FeedbackRow:
    evidence_wrong: gr.Checkbox
    comment: gr.Textbox
    thumbs_up: gr.Button
    thumbs_down: gr.Button


@dataclass(frozen=True)
class SourcePanel:
    doc_types: gr.CheckboxGroup
    languages: gr.CheckboxGroup
    sources: gr.HTML


@dataclass(frozen=True)
class ChatState:
    """The conversation lives on the server (gr.State): the Chatbot is display only and never
    an input, so a client cannot hand the server a "file" message to copy and serve."""

    history: gr.State  # [question, answer] pairs, for follow-up questions
    shown: gr.State  # what the Chatbot shows
    last: gr.State  # the last answer, for feedback


def build_chat_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        with gr.Column(scale=3):
            conversation = _conversation(labels)
            feedback = _feedback_row(labels)
        with gr.Column(scale=2):
            panel = _source_panel(labels)
    state = ChatState(history=gr.State([]), shown=gr.State([]), last=gr.State({}))
    _wire_answers(ctx, conversation, panel, state)
    _wire_feedback(ctx, feedback, state)


# -- layout -----------------------------------------------------------------------------------


# The chat does not follow an answer while it grows (a long answer would be left showing its
# end); once it is done, its question is brought to the top of the view, below the chat's own
# label and buttons, so that the new answer reads from its start.
SHOW_LAST_QUESTION = """() => {
  const rows = document.querySelectorAll('#kam-chat .message-row.user-row');
  if (!rows.length) return;
  const row = rows[rows.length - 1];
  row.scrollIntoView({block: 'start'});
  let view = row.parentElement;
  while (view && !(view.scrollHeight > view.clientHeight + 1
                   && ['auto', 'scroll'].includes(getComputedStyle(view).overflowY))) {
    view = view.parentElement;
  }
  if (view) view.scrollTop = Math.max(0, view.scrollTop - 48);
}"""


def _conversation(labels: Labels) -> Conversation:
    chat = gr.Chatbot(label="KAM Coach", height=480, elem_id="kam-chat", autoscroll=False)
    question = labels.bind(
        widgets.labelled(
            labels,
            gr.Textbox,
            "question",
            placeholder=labels.get("question_placeholder"),
            lines=2,
            elem_id="kam-question",
        ),
        "question_placeholder",
        "placeholder",
    )
    with gr.Row():
        send = widgets.button(labels, "send", variant="primary", elem_id="kam-send")
        clear = widgets.button(labels, "clear")
    return Conversation(chat, question, send, clear)


def _feedback_row(labels: Labels) -> FeedbackRow:
    with gr.Row():
        return FeedbackRow(
            evidence_wrong=widgets.labelled(labels, gr.Checkbox, "feedback_evidence_wrong"),
            comment=widgets.labelled(labels, gr.Textbox, "feedback_comment", lines=1),
            thumbs_up=widgets.button(labels, "feedback_up"),
            thumbs_down=widgets.button(labels, "feedback_down"),
        )


def _source_panel(labels: Labels) -> SourcePanel:
    """The filters a question is searched with, and the passages its answer cites."""
    doc_types = widgets.choices(labels, gr.CheckboxGroup, "doc_types", DOC_TYPE_LABELS)
    languages = widgets.choices(labels, gr.CheckboxGroup, "languages", SOURCE_LANGUAGE_LABELS)
    widgets.heading(labels, "sources", elem_id="kam-sources-heading")
    return SourcePanel(doc_types, languages, sources=gr.HTML(elem_id="kam-sources"))


# -- events -----------------------------------------------------------------------------------


def _final_bubble(ctx: AppContext, request: gr.Request, message: str, part: dict) -> str:
    """The bubble text of a finished answer: [n] linked to the sources panel, which lists the cited
    passages (or, for a declined question, the closest ones)."""
    content = bubble_text(part["text"], part["citations"])
    standalone = (part.get("standalone_question") or "").strip()
    if standalone and standalone != message:
        # A follow-up was rewritten to stand alone: say what was searched for.
        searched = ctx.say(request, "rewritten_as", question=markdown_safe(standalone))
        content = f"_{searched}_\n\n{content}"
    return content


def _wire_answers(
    ctx: AppContext, conversation: Conversation, panel: SourcePanel, state: ChatState
) -> None:
    """Send (or Enter) streams the answer into the chat and its sources into the panel; clear
    forgets the conversation."""

    @ctx.friendly
    def respond(message, shown, turns, types, langs, request: gr.Request):
        user = ctx.user(request)
        message = (message or "").strip() if isinstance(message, str) else message
        if not message:
            ctx.hint(request, "no_answer_yet")
            yield (gr.skip(),) * 6
            return
        page_word = ctx.say(request, "page_word")
        shown = [*shown, {"role": "user", "content": markdown_safe(message)}]
        reply = {"role": "assistant", "content": ""}
        for part in chat_api.stream_answer(ctx, user, message, turns, types, langs):
            if not part["done"]:
                reply["content"] = markdown_safe(part["text"])
                yield shown + [reply], gr.update(), turns, gr.update(), "", gr.update()
                continue
            reply["content"] = _final_bubble(ctx, request, message, part)
            shown_sources = part["citations"] or [
                {**p, "n": i} for i, p in enumerate(part.get("passages", [])[:3], start=1)
            ]
            done = {
                "question": message,
                "answer": part["text"],
                "sources": [c["source"] for c in part["citations"]],
            }
            yield (
                shown + [reply],
                sources_html(shown_sources, page_word),
                [*turns, [message, part["text"]]],
                done,
                "",
                shown + [reply],
            )

    chat, question = conversation.chat, conversation.question
    outputs = [chat, panel.sources, state.history, state.last, question, state.shown]
    inputs = [question, state.shown, state.history, panel.doc_types, panel.languages]
    for event in (conversation.send.click, question.submit):
        event(respond, inputs, outputs, api_visibility="private").then(
            None, None, None, js=SHOW_LAST_QUESTION
        )

    def reset():
        return [], "", [], {}, []

    cleared = [chat, panel.sources, state.history, state.last, state.shown]
    conversation.clear.click(reset, None, cleared, api_visibility="private")


def _wire_feedback(ctx: AppContext, row: FeedbackRow, state: ChatState) -> None:
    """Thumbs up or down records feedback on the last answer (with the checkbox and comment)."""

    def make_feedback(rating: int):
        @ctx.friendly
        def record(answer, wrong, note, request: gr.Request):
            user = ctx.user(request)
            if not answer:
                ctx.hint(request, "no_answer_yet")
                return gr.skip(), gr.skip()
            chat_api.record_feedback(
                ctx,
                user,
                answer["question"],
                answer["answer"],
                answer["sources"],
                rating,
                bool(wrong),
                note or "",
            )
            gr.Info(ctx.say(request, "feedback_saved"))
            return False, ""

        return record

    inputs = [state.last, row.evidence_wrong, row.comment]
    outputs = [row.evidence_wrong, row.comment]
    row.thumbs_up.click(make_feedback(1), inputs, outputs, api_visibility="private")
    row.thumbs_down.click(make_feedback(-1), inputs, outputs, api_visibility="private")
