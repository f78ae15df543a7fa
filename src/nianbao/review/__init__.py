"""The reviewer's desk: what a 政务公开办 does with the reports of the units below it.

`identify` tells an annual report from other files, `labels` names cells in Chinese, `queue`
lists and filters the work, `opinion` writes the 审核意见 sent back to each unit, `annotate`
marks the unit's own file at every flagged cell, `compare` writes the year-over-year document.
"""
