"""示范点引领: demonstration sites, tailored plans and feature projects."""
