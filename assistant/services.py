"""Build every service once from settings; the CLI and the UI share them."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from assistant.answering.extractive import ExtractiveComposer
from assistant.answering.service import AnswerService, AnswerSettings
from assistant.answering.support import SupportScorer
from assistant.coaching.common.context import CoachContext
from assistant.config import Settings
from assistant.embeddings.encoders import NamedEmbeddings, build_embeddings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.vector_store import VectorStore
from assistant.ingest.ingestor import Ingestor
from assistant.prompts import PromptLibrary
from assistant.retrieval.search import HybridSearcher, SearchFilters
from assistant.rules.compliance import ComplianceGuard
from assistant.text.dictionary import BilingualDictionary
from assistant.text.glossary import Glossary
from assistant.text.translation import TermTranslator


@dataclass
class Services:
    settings: Settings
    index: KnowledgeIndex
    ingestor: Ingestor
    searcher: HybridSearcher
    answers: AnswerService

    def coach_context(self, filters: SearchFilters | None = None) -> CoachContext:
        """What the coaches need; ``filters`` carry the caller's access rights."""
        return CoachContext(
            searcher=self.searcher,
            encoder=self.index.embeddings.sentence_model(),
            library=PromptLibrary(self.settings.prompts_dir),
            chat_model=self.answers.chat_model,
            filters=filters,
        )

    def close(self) -> None:
        self.index.close()


def build_services(
    settings: Settings,
    embeddings: NamedEmbeddings | None = None,
    chat_model: BaseChatModel | None = None,
) -> Services:
    """Wire the services. Models load lazily, on first use."""
    if embeddings is None:
        torch_runtime = settings.encoder_runtime == "torch"
        threads = settings.torch_threads if torch_runtime else settings.encoder_threads or None
        embeddings = build_embeddings(
            settings.embeddings, threads, settings.encoder_runtime, settings.models_dir()
        )
    store_dir = settings.store_dir()
    vectors = VectorStore(
        embeddings,
        persist_dir=None if settings.chroma_host else store_dir / "chroma",
        host=settings.chroma_host,
        port=settings.chroma_port,
    )
    index = KnowledgeIndex(store_dir, embeddings, vectors)
    ingestor = Ingestor(index, settings.chunk_tokens, settings.max_file_mb)
    translator = build_translator(settings)
    searcher = HybridSearcher(
        index,
        settings.fusion,
        settings.dense_weight,
        settings.candidates,
        settings.cross_lingual_weight,
        translator,
        settings.max_per_source,
        monolingual_share=settings.english_model_share,
        gloss_share=settings.gloss_share,
    )
    answers = build_answer_service(settings, searcher, embeddings, translator, chat_model)
    return Services(settings, index, ingestor, searcher, answers)


def build_translator(settings: Settings) -> TermTranslator:
    """The glossary, with CC-CEDICT behind it unless turned off (``KAM_DICTIONARY=false``)."""
    glossary = Glossary.load(settings.glossary_path)
    use_dictionary = settings.dictionary and BilingualDictionary.available()
    return TermTranslator(glossary, BilingualDictionary() if use_dictionary else None)


def build_answer_service(
    settings: Settings,
    searcher: HybridSearcher,
    embeddings: NamedEmbeddings,
    translator: TermTranslator,
    chat_model: BaseChatModel | None = None,
) -> AnswerService:
    library = PromptLibrary(settings.prompts_dir)
    encoder = embeddings.sentence_model()
    if chat_model is None and settings.llm_provider != "none":
        from assistant.llm import build_chat_model, describe_llm

        chat_model = build_chat_model(settings)
        label, endpoint = describe_llm(settings, with_host=False), describe_llm(settings)
    else:
        label = endpoint = "extractive" if chat_model is None else "llm"
    answer_settings = AnswerSettings(
        passages=settings.answer_passages,
        max_per_source=settings.answer_max_per_source,
        abstain_semantic=settings.abstain_semantic,
        abstain_lexical=settings.abstain_lexical,
        abstain_lexical_floor=settings.abstain_lexical_floor,
        abstain_coverage=settings.abstain_coverage,
        abstain_coverage_floor=settings.abstain_coverage_floor,
        abstain_absent=settings.abstain_absent,
        support_threshold=settings.support_threshold,
        require_figures=settings.require_figures,
        mode_label=label,
        endpoint_label=endpoint,
        llm_timeout_s=settings.llm_timeout_s,
    )
    return AnswerService(
        searcher,
        ExtractiveComposer(encoder),
        SupportScorer(encoder, translator=translator),
        ComplianceGuard(library, encoder if settings.compliance_semantic else None),
        library,
        translator,
        chat_model,
        answer_settings,
    )
