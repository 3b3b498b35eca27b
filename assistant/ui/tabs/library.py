"""The Library tab: upload, list, inspect, replace, delete and re-index documents (admins)."""

import gradio as gr

from assistant.admin.document_library import UploadError
from assistant.documents.metadata import ACCESS_LEVELS
from assistant.ui.api import admin as admin_api
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly
from assistant.ui.inputs import uploaded_file
from assistant.ui.labels import Labels
from assistant.ui.render import esc

DOC_COLUMNS = ["source", "title", "doc_type", "language", "access", "collection", "chunks"]
DOC_HEADERS = [f"col_{c}" for c in DOC_COLUMNS]
RESULT_HEADERS = ["col_name", "col_status", "col_message"]
CHUNK_HEADERS = ["col_index", "col_section", "col_page", "col_text"]
ACCESS_LABELS = Labels.code_keys("access", ACCESS_LEVELS)


# Columns that hold codes, and the kind of label each code has.
CODED_COLUMNS = {"doc_type": "doctype", "access": "access", "language": "lang"}


def _cell(labels: Labels, column: str, value, language: str):
    """A document table cell: codes (doc type, access, language) in words."""
    kind = CODED_COLUMNS.get(column)
    return labels.code(kind, value, language) if kind else value


def _file_progress(progress: gr.Progress, labels: Labels, language: str):
    """Tells the page which file is being read ("3 of 5: name.pdf"), before it is read; the
    bar counts the files done ("2/5 files")."""
    unit = labels.get("file_unit", language)

    def report(number: int, total: int, name: str) -> None:
        desc = labels.get("file_progress", language, number=number, total=total, name=name)
        progress((number - 1, max(total, 1)), desc=desc, unit=unit)

    return report


def build_library_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        with gr.Column():
            files = labels.bind(
                gr.File(label=labels.get("upload"), file_count="multiple", elem_id="kam-upload"),
                "upload",
            )
            access = labels.bind_choices(
                labels.bind(
                    gr.Radio(
                        labels.choices(ACCESS_LABELS),
                        value=ACCESS_LEVELS[0],
                        label=labels.get("access"),
                    ),
                    "access",
                ),
                ACCESS_LABELS,
            )
            collection = labels.bind(
                gr.Textbox(value=ctx.services.settings.collection, label=labels.get("collection")),
                "collection",
            )
            ingest = labels.bind(
                gr.Button(labels.get("ingest"), variant="primary", elem_id="kam-ingest"),
                "ingest",
                "value",
            )
            results = labels.bind_headers(
                gr.Dataframe(
                    headers=labels.headers(RESULT_HEADERS),
                    interactive=False,
                    wrap=True,
                    column_widths=["30%", "15%", "55%"],
                    elem_id="kam-upload-results",
                ),
                RESULT_HEADERS,
            )
        with gr.Column():
            reindex = labels.bind(gr.Button(labels.get("reindex")), "reindex", "value")
            reindex_log = gr.Textbox(lines=4, show_label=False, interactive=False)
    documents = labels.bind_headers(
        labels.bind(
            gr.Dataframe(
                headers=labels.headers(DOC_HEADERS),
                interactive=False,
                wrap=True,
                label=labels.get("documents"),
                elem_id="kam-documents",
            ),
            "documents",
        ),
        DOC_HEADERS,
    )
    doc_ids = gr.State([])
    recovery = gr.Markdown(elem_id="kam-upload-recovery")
    with gr.Row():
        chosen = labels.bind(
            gr.Dropdown([], label=labels.get("document"), elem_id="kam-library-document"),
            "document",
        )
        replacement = labels.bind(gr.File(label=labels.get("replace")), "replace")
        delete = labels.bind(
            gr.Button(labels.get("delete"), variant="stop", elem_id="kam-delete"), "delete", "value"
        )
    # Delete asks first: the button only opens this confirmation.
    with gr.Row(visible=False, elem_id="kam-delete-confirm") as confirm_row:
        confirm_text = gr.Markdown()
        confirm = labels.bind(
            gr.Button(labels.get("confirm_delete"), variant="stop", elem_id="kam-delete-yes"),
            "confirm_delete",
            "value",
        )
        cancel = labels.bind(
            gr.Button(labels.get("cancel"), elem_id="kam-delete-no"), "cancel", "value"
        )
    chunks = labels.bind_headers(
        labels.bind(
            gr.Dataframe(
                headers=labels.headers(CHUNK_HEADERS),
                interactive=False,
                wrap=True,
                label=labels.get("chunks"),
            ),
            "chunks",
        ),
        CHUNK_HEADERS,
    )

    @friendly
    def refresh(request: gr.Request):
        user = ctx.user(request)
        rows = admin_api.list_documents(ctx, user)
        language = ctx.language(request)
        table = labels.table(
            [[_cell(labels, c, row[c], language) for c in DOC_COLUMNS] for row in rows],
            DOC_HEADERS,
            language,
        )
        choices = [(f"{row['source']} ({row['chunks']})", row["doc_hash"]) for row in rows]
        notes = "\n".join(
            f"- {esc(ctx.notices.say(notice, language))}" for notice in ctx.library.recovered
        )
        return (
            table,
            gr.update(choices=choices, value=None),
            [r["doc_hash"] for r in rows],
            notes,
        )

    @friendly
    def upload(paths, level, name, request: gr.Request, progress=gr.Progress()):
        user = ctx.user(request)
        ctx.require_admin(user)
        if not paths:
            ctx.hint(request, "hint_choose_files")
            return gr.skip(), gr.skip()
        checked = [uploaded_file(p) for p in paths]
        pairs = [(p.name, p) for p in checked]
        language = ctx.language(request)
        try:
            rows = admin_api.upload_files(
                ctx, user, pairs, level, name, None, _file_progress(progress, labels, language)
            )
        except UploadError as exc:  # the whole batch refused (a collection name, say)
            gr.Warning(esc(ctx.notices.say(exc.notice, language)))
            return gr.skip(), gr.skip()
        table = [
            [
                r["name"],
                labels.get(f"status_{r['status']}", language),
                ctx.notices.join(r["notices"], language),
            ]
            for r in rows
        ]
        return labels.table(table, RESULT_HEADERS, language), None

    @friendly
    def show_chunks(doc_hash, request: gr.Request):
        if not doc_hash:
            return labels.table([], CHUNK_HEADERS, ctx.language(request))
        rows = admin_api.document_chunks(ctx, ctx.user(request), doc_hash)
        table = [[r["index"], r["section"], r["page"] or "", r["text"]] for r in rows]
        return labels.table(table, CHUNK_HEADERS, ctx.language(request))

    @friendly
    def replace(doc_hash, path, request: gr.Request):
        if not doc_hash or not path:
            ctx.hint(request, "hint_choose_replacement")
            return None
        user = ctx.user(request)
        ctx.require_admin(user)
        checked = uploaded_file(path)
        result = admin_api.replace_document(ctx, user, doc_hash, checked.name, checked)
        language = ctx.language(request)
        gr.Info(
            esc(
                ctx.say(
                    request,
                    "replace_result",
                    name=result["name"],
                    status=labels.get(f"status_{result['status']}", language),
                    message=ctx.notices.join(result["notices"], language),
                )
            )
        )
        return None

    @friendly
    def ask_to_remove(doc_hash, request: gr.Request):
        if not doc_hash:
            ctx.hint(request, "hint_choose_document")
            return gr.skip(), gr.skip()
        row = ctx.library.document(doc_hash, ctx.user(request))
        question = ctx.say(request, "confirm_delete_question", name=row.source)
        return gr.update(visible=True), esc(question)

    @friendly
    def remove(doc_hash, request: gr.Request):
        if not doc_hash:
            ctx.hint(request, "hint_choose_document")
            return gr.update(visible=False)
        removed = admin_api.delete_document(ctx, ctx.user(request), doc_hash)
        gr.Info(ctx.say(request, "removed_files", count=len(removed)))
        return gr.update(visible=False)

    @friendly
    def rebuild(request: gr.Request, progress=gr.Progress()):
        language = ctx.language(request)
        reporter = _file_progress(progress, labels, language)
        report = admin_api.reindex_report(ctx, ctx.user(request), None, reporter)
        return "\n".join(ctx.notices.say(notice, language) for notice in report.notices())

    listing = [documents, chosen, doc_ids, recovery]
    private = {"api_visibility": "private"}
    ingest.click(upload, [files, access, collection], [results, files], api_name="upload").then(
        refresh, None, listing, **private
    )
    chosen.change(show_chunks, chosen, chunks, **private)
    replacement.upload(replace, [chosen, replacement], replacement, **private).then(
        refresh, None, listing, **private
    )
    delete.click(ask_to_remove, chosen, [confirm_row, confirm_text], **private)
    cancel.click(lambda: gr.update(visible=False), None, confirm_row, **private)
    confirm.click(remove, chosen, confirm_row, **private).then(refresh, None, listing, **private)
    reindex.click(rebuild, None, reindex_log, **private).then(refresh, None, listing, **private)
    return refresh, listing
