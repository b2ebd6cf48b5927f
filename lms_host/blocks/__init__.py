"""
XBlocks of the stand-in host for what the LMS's own blocks do in a course and this host has not otherwise: a
scored knowledge check (the LMS's problem block), a lesson page (its HTML block) and a video that completes when
watched (its video block).

They are the host's, not the plugin's: the host's runtime loads them by block type (:data:`HOST_BLOCK_TYPES`,
``lms_host.xblock_runtime.HostRuntime.load_block_type``) and no ``xblock.v1`` entry point ships them to an LMS,
which has its own problem, HTML and video blocks.
"""

from .html import HostHtmlBlock
from .knowledge_check import KnowledgeCheckBlock
from .video import HostVideoBlock

#: Block type (OLX tag) -> class, looked up before the installed XBlocks.
HOST_BLOCK_TYPES = {"html": HostHtmlBlock, "knowledge_check": KnowledgeCheckBlock, "video": HostVideoBlock}
