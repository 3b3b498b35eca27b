"""The Chat tab: streaming cited answers, a sources panel, filters and feedback."""

import gradio as gr

from assistant.ui.api import chat as chat_api
from assistant.ui.api.chat import DOC_TYPES, SOURCE_LANGUAGES
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly
from assistant.ui.labels import Labels
from assistant.ui.render import bubble_text, markdown_safe, sources_html

DOC_TYPE_LABELS = Labels.code_keys("doctype", DOC_TYPES)
SOURCE_LANGUAGE_LABELS = Labels.code_keys("lang", SOURCE_LANGUAGES)


def build_chat_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="KAM Coach", height=480, elem_id="kam-chat", autoscroll=False)
            question = labels.bind(
                labels.bind(
                    gr.Textbox(
                        label=labels.get("question"),
                        placeholder=labels.get("question_placeholder"),
                        lines=2,
                        elem_id="kam-question",
                    ),
                    "question",
                ),
                "question_placeholder",
                "placeholder",
            )
            with gr.Row():
                send = labels.bind(
                    gr.Button(labels.get("send"), variant="primary", elem_id="kam-send"),
                    "send",
                    "value",
                )
                clear = labels.bind(gr.Button(labels.get("clear")), "clear", "value")
            with gr.Row():
                evidence_wrong = labels.bind(
                    gr.Checkbox(label=labels.get("feedback_evidence_wrong")),
                    "feedback_evidence_wrong",
                )
                comment = labels.bind(
                    gr.Textbox(label=labels.get("feedback_comment"), lines=1),
                    "feedback_comment",
                )
                thumbs_up = labels.bind(
                    gr.Button(labels.get("feedback_up")), "feedback_up", "value"
                )
                thumbs_down = labels.bind(
                    gr.Button(labels.get("feedback_down")), "feedback_down", "value"
                )
        with gr.Column(scale=2):
            doc_types = labels.bind_choices(
                labels.bind(
                    gr.CheckboxGroup(
                        labels.choices(DOC_TYPE_LABELS), label=labels.get("doc_types")
                    ),
                    "doc_types",
                ),
                DOC_TYPE_LABELS,
            )
            languages = labels.bind_choices(
                labels.bind(
                    gr.CheckboxGroup(
                        labels.choices(SOURCE_LANGUAGE_LABELS), label=labels.get("languages")
                    ),
                    "languages",
                ),
                SOURCE_LANGUAGE_LABELS,
            )
            labels.bind(
                gr.Markdown(f"### {labels.get('sources')}", elem_id="kam-sources-heading"),
                "sources",
                "value",
                "### {}",
            )
            sources = gr.HTML(elem_id="kam-sources")
    # The conversation lives on the server (gr.State): the Chatbot is display only and never
    # an input, so a client cannot hand the server a "file" message to copy and serve.
    history = gr.State([])
    shown_state = gr.State([])
    last = gr.State({})

    @friendly
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
            # The bubble holds the answer with [n] linked to the sources panel, which lists
            # the cited passages (or, for a declined question, the closest ones).
            reply["content"] = bubble_text(part["text"], part["citations"])
            standalone = (part.get("standalone_question") or "").strip()
            if standalone and standalone != message:
                # A follow-up was rewritten to stand alone: say what was searched for.
                searched = ctx.say(request, "rewritten_as", question=markdown_safe(standalone))
                reply["content"] = f"_{searched}_\n\n{reply['content']}"
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

    outputs = [chat, sources, history, last, question, shown_state]
    inputs = [question, shown_state, history, doc_types, languages]
    send.click(respond, inputs, outputs, api_visibility="private")
    question.submit(respond, inputs, outputs, api_visibility="private")

    def reset():
        return [], "", [], {}, []

    clear.click(reset, None, [chat, sources, history, last, shown_state], api_visibility="private")

    def make_feedback(rating: int):
        @friendly
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

    thumbs_up.click(
        make_feedback(1),
        [last, evidence_wrong, comment],
        [evidence_wrong, comment],
        api_visibility="private",
    )
    thumbs_down.click(
        make_feedback(-1),
        [last, evidence_wrong, comment],
        [evidence_wrong, comment],
        api_visibility="private",
    )
